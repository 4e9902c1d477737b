import Table from 'cli-table3';
import { createColors } from 'picocolors';
import type { CounterSnapshot } from '../stats/cache-stats';

/**
 * Colours only on a terminal: picocolors' own default also colours whenever CI is set, which
 * would put escape codes into piped output. NO_COLOR turns them off, FORCE_COLOR on.
 */
export const colors = createColors(
  !process.env.NO_COLOR &&
    (Boolean(process.env.FORCE_COLOR) ||
      (process.stdout.isTTY === true && process.env.TERM !== 'dumb')),
);

/** A boxed table; columns from `rightFrom` on (numbers, by default all but the first) align right. */
export function table(head: string[], rows: (string | number)[][], rightFrom = 1): string {
  const t = new Table({
    head: head.map((h) => colors.bold(h)),
    // no colours of its own: ours follow the terminal rule above
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, i) => (i < rightFrom ? 'left' : 'right')),
  });
  t.push(...rows.map((row) => row.map(String)));
  return t.toString();
}

/** `label  value` lines, labels aligned. */
export function fields(entries: [string, string | number][]): string {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `${colors.dim(label.padEnd(width))}  ${value}`).join('\n');
}

/** A hit rate (a fraction from 0 to 1) as a percentage, coloured against the target. */
export function rate(fraction: number, target = 0.8): string {
  const text = `${(fraction * 100).toFixed(1)}%`;
  if (fraction >= target) return colors.green(text);
  return fraction >= target / 2 ? colors.yellow(text) : colors.red(text);
}

/** "1 key", "2 keys" */
export function keyCount(n: number): string {
  return `${n} key${n === 1 ? '' : 's'}`;
}

export function ms(value: number): string {
  return value < 10 ? `${value.toFixed(2)} ms` : `${Math.round(value)} ms`;
}

type Percentiles = CounterSnapshot['latencyMs']['hit'];

/** A percentile, or "-" when nothing was sampled (hit latency is sampled, 1 call in 16). */
export function latency(p: Percentiles, which: 'p50' | 'p95' | 'p99'): string {
  return p.samples ? ms(p[which]) : '-';
}

export function bytes(value: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${unit === 0 ? n : n.toFixed(1)} ${units[unit]}`;
}

export function status(value: string): string {
  if (value === 'ok' || value === 'closed') return colors.green(value);
  return value === 'degraded' || value === 'half-open' ? colors.yellow(value) : colors.red(value);
}

export const COUNTER_HEAD = [
  'hits',
  'misses',
  'stale',
  'hit rate',
  'hit p50',
  'hit p95',
  'miss p50',
  'miss p95',
  'errors',
  'invalidations',
];

/** The cells of one counters row, in COUNTER_HEAD's order. */
export function counterCells(c: CounterSnapshot): string[] {
  return [
    String(c.hits),
    String(c.misses),
    String(c.staleHits),
    rate(c.hitRate),
    latency(c.latencyMs.hit, 'p50'),
    latency(c.latencyMs.hit, 'p95'),
    latency(c.latencyMs.miss, 'p50'),
    latency(c.latencyMs.miss, 'p95'),
    String(c.errors),
    String(c.invalidations),
  ];
}
