import { Bench } from 'tinybench';

export interface Row {
  name: string;
  /** what we measured, in its unit */
  ours: number;
  /** the floor it is compared with, same unit, same run */
  floor: number;
  unit: string;
  /** 'lower' = ours should be at most target × floor; 'higher' = at least */
  better: 'lower' | 'higher';
  target?: number;
  /** an absolute limit on ours, in its unit */
  absolute?: number;
  note?: string;
}

/**
 * Nanoseconds per operation of each task. Each tinybench iteration runs `batch` operations, so
 * the timer's own cost (tens of ns) does not swamp operations that take tens of ns.
 */
export async function nsPerOp(
  tasks: Record<string, () => unknown>,
  { batch = 1_000, time = 1_000, warmupTime = 200, iterations = 64 } = {},
): Promise<Record<string, number>> {
  const bench = new Bench({
    time,
    warmupTime,
    iterations,
    warmupIterations: Math.min(16, iterations),
  });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  const out: Record<string, number> = {};
  for (const task of bench.tasks) {
    const result = task.result as { latency?: { p50?: number; mean?: number } } | undefined;
    const ms = result?.latency?.p50 ?? result?.latency?.mean ?? NaN;
    out[task.name] = (ms * 1e6) / batch;
  }
  return out;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function printRows(rows: Row[]): boolean {
  let ok = true;
  const lines = rows.map((r) => {
    const ratio = r.ours / r.floor;
    const withinRatio =
      r.target === undefined || (r.better === 'lower' ? ratio <= r.target : ratio >= r.target);
    const withinAbsolute = r.absolute === undefined || r.ours <= r.absolute;
    const pass = withinRatio && withinAbsolute;
    ok &&= pass;
    const target =
      r.target === undefined ? '' : `${r.better === 'lower' ? '<=' : '>='} ${r.target}x`;
    const absolute = r.absolute === undefined ? '' : `, <= ${r.absolute} ${r.unit}`;
    return [
      r.name.padEnd(58),
      `${fmt(r.ours)} ${r.unit}`.padStart(16),
      `${fmt(r.floor)} ${r.unit}`.padStart(16),
      `${ratio.toFixed(3)}x`.padStart(9),
      `${target}${absolute}`.padEnd(22),
      pass ? 'ok' : 'MISSED',
      r.note ? `  (${r.note})` : '',
    ].join(' ');
  });
  console.log(
    [
      'benchmark'.padEnd(58),
      'ours'.padStart(16),
      'floor'.padStart(16),
      'ratio'.padStart(9),
      'target'.padEnd(22),
      'result',
    ].join(' '),
  );
  for (const line of lines) console.log(line);
  return ok;
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(2);
}
