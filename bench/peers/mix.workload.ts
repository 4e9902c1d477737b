import { Redis } from 'ioredis';
import { figure, percentile, type PeerRow } from './figures';
import { closeAll, countingLoader, floorRow, open, row } from './runs';
import type { Scale } from './scale';
import type { Loader, Subject, SubjectFactory } from './subjects/subject';

const ORIGIN_MS = 1;
const WORKLOAD = 'zipf mix';

interface Op {
  key: string;
  read: boolean;
}

interface Pass {
  opsPerSec: number;
  p99Ms: number;
  hitRatio: number;
}

/**
 * A day in production, shrunk: keys drawn with Zipf popularity (s = 1), 90 % reads through the
 * cache over a 1 ms origin, 10 % writes that invalidate the key, a memory tier holding a tenth
 * of the keys, Redis behind. Every library replays the same sequence; after one unmeasured pass
 * each, the measured passes alternate between libraries. The baseline is cache-aside by hand on
 * ioredis (GET, else origin + SET; DEL on a write): what a service gets with no library at all.
 */
export async function mixWorkload(
  factories: SubjectFactory[],
  url: string,
  scale: Scale,
): Promise<PeerRow[]> {
  const { keys, memory, runs } = scale.zipf;
  const ops = zipfOps(keys, scale.zipf.ops);
  const subjects = await open(factories, (i) => ({ memory, redis: url, prefix: `mix${i}` }));
  const raw = new Redis(url);
  const drivers: [string, Driver][] = [
    ['ioredis cache-aside', cacheAside(raw)],
    ...subjects.map((s): [string, Driver] => [s.library, viaSubject(s)]),
  ];
  const passes = new Map<string, Pass[]>(drivers.map(([name]) => [name, []]));
  try {
    for (const [, driver] of drivers) await replay(driver, ops, scale); // fills both tiers
    for (let run = 0; run < runs; run++) {
      for (let i = 0; i < drivers.length; i++) {
        const [name, driver] = drivers[(i + run) % drivers.length];
        passes.get(name)?.push(await replay(driver, ops, scale));
      }
    }
  } finally {
    raw.disconnect();
    await closeAll(subjects);
  }
  const of = (name: string, pick: (p: Pass) => number, unit: string) =>
    figure((passes.get(name) ?? []).map(pick), unit);
  const rows: PeerRow[] = [];
  const measures: [string, (p: Pass) => number, string][] = [
    ['throughput', (p) => p.opsPerSec, 'ops/s'],
    ['read p99', (p) => p.p99Ms, 'ms'],
    ['hit ratio', (p) => p.hitRatio * 100, '%'],
  ];
  for (const [what, pick, unit] of measures) {
    const workload = `${WORKLOAD}: ${what}`;
    const floor = of('ioredis cache-aside', pick, unit);
    rows.push(floorRow(workload, 'ioredis cache-aside', floor));
    for (const s of subjects) rows.push(row(workload, s.library, of(s.library, pick, unit), floor));
  }
  return rows;
}

type Driver = {
  read(key: string, load: Loader): Promise<unknown>;
  write(key: string): Promise<void>;
};

function viaSubject(s: Subject): Driver {
  return { read: (key, load) => s.getOrSet(key, load), write: (key) => s.delete(key) };
}

function cacheAside(raw: Redis): Driver {
  return {
    read: async (key, load) => {
      const hit = await raw.get(`aside:${key}`);
      if (hit !== null) return JSON.parse(hit);
      const value = await load(key);
      await raw.set(`aside:${key}`, JSON.stringify(value), 'EX', 3600);
      return value;
    },
    write: async (key) => void (await raw.del(`aside:${key}`)),
  };
}

/** Runs the sequence with `concurrency` callers at once; read latencies, loads and rate. */
async function replay(driver: Driver, ops: Op[], scale: Scale): Promise<Pass> {
  const { load, calls } = countingLoader(ORIGIN_MS);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < ops.length) {
      const op = ops[next++];
      const t0 = performance.now();
      if (op.read) {
        await driver.read(op.key, load);
        latencies.push(performance.now() - t0);
      } else await driver.write(op.key);
    }
  };
  await Promise.all(Array.from({ length: scale.zipf.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    opsPerSec: ops.length / seconds,
    p99Ms: percentile(latencies, 99),
    hitRatio: 1 - calls() / latencies.length,
  };
}

/** The same pseudo-random sequence on every run (seeded), so every library replays it. */
function zipfOps(keys: number, count: number): Op[] {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= keys; rank++) cumulative.push((total += 1 / rank));
  const random = mulberry32(42);
  const ops: Op[] = [];
  for (let i = 0; i < count; i++) {
    const target = random() * total;
    let lo = 0;
    let hi = keys - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    ops.push({ key: `item:${lo}`, read: random() < 0.9 });
  }
  return ops;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
