import { nsPerOp } from '../measure';
import type { PeerRow } from './figures';
import type { Scale } from './scale';
import { valueFor, type Subject, type SubjectFactory } from './subjects/subject';

/**
 * Runs every task once per round, rotating their order so that no library always runs first or
 * last (a busy moment on a shared machine then lands on each in turn); returns each task's
 * ns/op per round.
 */
export async function alternate(
  all: Record<string, () => unknown>,
  scale: Scale,
  batch: number,
): Promise<Record<string, number[]>> {
  const names = Object.keys(all);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < scale.rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    const result = await nsPerOp(Object.fromEntries(order.map((n) => [n, all[n]])), {
      batch,
      time: scale.microMs,
      warmupTime: Math.min(200, scale.microMs),
      iterations: scale.microIterations,
    });
    for (const name of names) samples[name].push(result[name]);
  }
  return samples;
}

export async function open(
  factories: SubjectFactory[],
  options: (index: number) => Parameters<SubjectFactory>[0],
): Promise<Subject[]> {
  const subjects: Subject[] = [];
  for (const [i, make] of factories.entries()) subjects.push(await make(options(i)));
  return subjects;
}

export async function closeAll(subjects: Subject[]): Promise<void> {
  await Promise.all(subjects.map((s) => s.close()));
}

export function floorRow(workload: string, what: string, floor: PeerRow['figure']): PeerRow {
  return { workload, library: `floor: ${what}`, figure: floor };
}

export function row(
  workload: string,
  library: string,
  value: PeerRow['figure'],
  floor?: PeerRow['figure'],
  note?: string,
): PeerRow {
  return { workload, library, figure: value, floor, note };
}

type Loaded = ReturnType<typeof valueFor> & { loader: number };
let loaders = 0;

/**
 * A loader that counts its calls: the figure of the stampede workloads, a check everywhere else.
 * Each value names the loader that made it, so a value from an earlier loader can be told apart.
 */
export function countingLoader(delayMs = 0): {
  load: (key: string) => Promise<Loaded>;
  calls: () => number;
  madeThis: (value: unknown) => boolean;
} {
  const loader = ++loaders;
  let calls = 0;
  return {
    load: async (key) => {
      calls++;
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      return { ...valueFor(key), loader };
    },
    calls: () => calls,
    madeThis: (value) => (value as Loaded | undefined)?.loader === loader,
  };
}
