import { Redis } from 'ioredis';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { TS_NODE_ARGS } from '../http.bench';
import { figure, percentile, type Figure, type PeerRow } from './figures';
import { closeAll, countingLoader, floorRow, open, row } from './runs';
import type { Scale } from './scale';
import type { Subject, SubjectFactory } from './subjects/subject';

const TAG = 'victim';
const FILL_CONCURRENCY = 200;
const SEEDS = 'baseline: SCAN MATCH + UNLINK';

interface Run {
  ms: number;
  probeP99: number;
  probeMax: number;
}

/**
 * Invalidating one tag that 10k entries carry, on a Redis that also holds 1M unrelated keys:
 * how long it takes, and what a client GETting an unrelated key meanwhile sees (p99, max), since
 * Redis runs one command at a time. The libraries with tags (or references) against the seeds'
 * way, SCAN MATCH over the whole keyspace + UNLINK. Each run refills the entries first.
 */
export async function tagWorkload(
  factories: SubjectFactory[],
  url: string,
  scale: Scale,
): Promise<PeerRow[]> {
  const { entries, others, runs } = scale.tags;
  const raw = new Redis(url);
  const probe = await startProbe(url);
  await populate(raw, others);
  const subjects = (
    await open(factories, (i) => ({
      memory: entries * 2,
      redis: url,
      prefix: `tags${i}`,
      tagsOf: () => [TAG],
    }))
  ).filter((s) => s.invalidateTag);
  const idle: number[] = [];
  const results = new Map<string, Run[]>([
    [SEEDS, []],
    ...subjects.map((s): [string, Run[]] => [s.library, []]),
  ]);
  const contestants: [string, () => Promise<Prepared>][] = [
    [SEEDS, () => seedsWay(raw, entries)],
    ...subjects.map((s): [string, () => Promise<Prepared>] => [
      s.library,
      () => viaTag(s, entries),
    ]),
  ];
  try {
    for (let run = 0; run < runs; run++) {
      idle.push(percentile(await probeWhile(probe, pause(50)), 99));
      for (let i = 0; i < contestants.length; i++) {
        const [name, prepare] = contestants[(i + run) % contestants.length];
        const { invalidate, verify } = await prepare();
        const started = performance.now();
        const done = invalidate().then(() => performance.now() - started);
        const latencies = await probeWhile(probe, done);
        await verify();
        results.get(name)?.push({
          ms: await done,
          probeP99: percentile(latencies, 99),
          probeMax: Math.max(...latencies),
        });
      }
    }
  } finally {
    await closeAll(subjects);
    await raw.flushall();
    raw.disconnect();
    probe.stop();
  }
  const workload = `tag invalidation, ${entries} entries, ${others} other keys`;
  const of = (name: string, pick: (r: Run) => number): Figure =>
    figure((results.get(name) ?? []).map(pick), 'ms');
  const rows: PeerRow[] = [];
  for (const [what, pick] of [
    ['time', (r: Run) => r.ms],
    ['GET probe p99', (r: Run) => r.probeP99],
    ['GET probe max', (r: Run) => r.probeMax],
  ] as const) {
    const floor = of(SEEDS, pick);
    if (what === 'GET probe p99') {
      rows.push(floorRow(`${workload}: ${what}`, 'idle Redis', figure(idle, 'ms')));
    }
    rows.push(row(`${workload}: ${what}`, SEEDS, floor));
    for (const s of subjects)
      rows.push(row(`${workload}: ${what}`, s.library, of(s.library, pick), floor));
  }
  return rows;
}

/** The timed invalidation, and a check (not timed) that it removed what it should have. */
interface Prepared {
  invalidate(): Promise<void>;
  verify(): Promise<void>;
}

/** Fills the entries through the library, each tagged. */
async function viaTag(s: Subject, entries: number): Promise<Prepared> {
  const { load } = countingLoader();
  await inChunks(entries, (i) => s.getOrSet(`entry:${i}`, load));
  return {
    invalidate: async () => s.invalidateTag?.(TAG),
    verify: async () => {
      const after = countingLoader();
      await s.getOrSet(`entry:${entries - 1}`, after.load);
      if (after.calls() !== 1) throw new Error(`${s.library}: an entry survived its tag`);
    },
  };
}

async function seedsWay(raw: Redis, entries: number): Promise<Prepared> {
  await inChunks(entries, (i) => raw.set(`seed:${TAG}:${i}`, '{"id":1}', 'EX', 3600));
  return {
    invalidate: async () => {
      let cursor = '0';
      do {
        const [next, keys] = await raw.scan(cursor, 'MATCH', `seed:${TAG}:*`, 'COUNT', 1000);
        if (keys.length > 0) await raw.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    },
    verify: async () => {
      if ((await raw.exists(`seed:${TAG}:0`)) !== 0) throw new Error('SCAN + UNLINK missed a key');
    },
  };
}

type Probe = { ask(message: 'start' | 'stop'): Promise<unknown> };

/** GETs of an unrelated key, one at a time from another process, while `until` runs (ms each). */
async function probeWhile(probe: Probe, until: Promise<unknown>): Promise<number[]> {
  await probe.ask('start');
  await until.catch(() => undefined);
  const latencies = (await probe.ask('stop')) as number[];
  await until;
  return latencies;
}

async function startProbe(url: string) {
  const child = fork(join(__dirname, 'probe-child.ts'), [url], {
    execArgv: TS_NODE_ARGS,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let answer: ((reply: unknown) => void) | undefined;
  child.on('message', (reply) => answer?.(reply));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`GET probe exited with ${code}`))),
  );
  exited.catch(() => undefined); // reported by the next ask, if any
  const probe = {
    ask: (message: 'start' | 'stop') => {
      const reply = new Promise<unknown>((resolve) => (answer = resolve));
      child.send(message);
      return Promise.race([reply, exited]);
    },
    stop: () => {
      child.disconnect();
      child.kill();
    },
  };
  await probeWhile(probe, pause(10)); // connected before anything is measured
  return probe;
}

/** Unrelated keys: DEBUG POPULATE (enabled on the server we started), else pipelined SETs. */
async function populate(raw: Redis, count: number): Promise<void> {
  try {
    await raw.call('DEBUG', 'POPULATE', String(count), 'other');
  } catch {
    for (let from = 0; from < count; from += 10_000) {
      const pipeline = raw.pipeline();
      for (let i = from; i < Math.min(count, from + 10_000); i++) pipeline.set(`other:${i}`, 'x');
      await pipeline.exec();
    }
  }
}

async function inChunks(count: number, call: (i: number) => Promise<unknown>): Promise<void> {
  for (let from = 0; from < count; from += FILL_CONCURRENCY) {
    const chunk: Promise<unknown>[] = [];
    for (let i = from; i < Math.min(count, from + FILL_CONCURRENCY); i++) chunk.push(call(i));
    await Promise.all(chunk);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
