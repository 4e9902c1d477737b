import { median } from '../measure';

/** One measured quantity: a sample per run, so its median and its run-to-run spread can be shown. */
export interface Figure {
  samples: number[];
  unit: string;
}

export interface PeerRow {
  workload: string;
  library: string;
  figure: Figure;
  /** the floor (lru-cache, raw ioredis, a bare route, ...) measured in the same run */
  floor?: Figure;
  note?: string;
}

export const OURS = 'nest-tiered (ours)';

export function figure(samples: number[], unit: string): Figure {
  return { samples, unit };
}

/**
 * How much a run moves from the next: half the range of the samples relative to their median,
 * leaving out the highest and the lowest when there are five or more (one busy moment on a
 * shared machine should not make every comparison a tie).
 */
export function spread(f: Figure): number {
  const mid = median(f.samples);
  const sorted = [...f.samples].sort((a, b) => a - b);
  const kept = sorted.length >= 5 ? sorted.slice(1, -1) : sorted;
  if (kept.length < 2 || mid === 0) return 0;
  return (kept[kept.length - 1] - kept[0]) / (2 * Math.abs(mid));
}

/**
 * `a / b` of the medians, or "tie" when that ratio is within the two figures' spreads together
 * (either way: 1.3x and 1/1.3x are the same distance): a difference smaller than the
 * run-to-run movement is not a result.
 */
export function ratio(a: Figure, b: Figure): string {
  const ma = median(a.samples);
  const mb = median(b.samples);
  if (ma === mb) return 'tie';
  if (mb === 0) return '∞';
  const r = ma / mb;
  if (Math.abs(Math.log(r)) <= Math.log(1 + spread(a) + spread(b))) return 'tie';
  return `${r >= 100 ? r.toFixed(0) : r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}x`;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function describe(f: Figure): string {
  const mid = median(f.samples);
  const value = Math.abs(mid) >= 100 || Number.isInteger(mid) ? mid.toFixed(0) : mid.toFixed(2);
  const noise = f.samples.length > 1 ? ` ±${(spread(f) * 100).toFixed(0)}%` : '';
  return `${value} ${f.unit}${noise}`;
}

/** The table as Markdown, so the same text reads in a terminal and pastes into docs/BENCHMARKS.md. */
export function renderTable(rows: PeerRow[]): string {
  const ours = new Map(rows.filter((r) => r.library === OURS).map((r) => [r.workload, r]));
  const lines = [
    '| workload | library | figure (median ±spread) | runs | × floor | × ours |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const mine = ours.get(r.workload);
    const vsOurs =
      mine && r.library !== OURS && !r.library.startsWith('floor')
        ? ratio(r.figure, mine.figure)
        : '';
    const vsFloor = r.floor ? ratio(r.figure, r.floor) : '';
    const note = r.note ? ` (${r.note})` : '';
    lines.push(
      `| ${r.workload} | ${r.library}${note} | ${describe(r.figure)} | ${r.figure.samples.length} | ${vsFloor} | ${vsOurs} |`,
    );
  }
  return lines.join('\n');
}
