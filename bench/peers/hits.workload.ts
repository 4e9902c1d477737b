import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { figure, OURS, type PeerRow } from './figures';
import { alternate, closeAll, countingLoader, floorRow, open, row } from './runs';
import type { Scale } from './scale';
import { TTL_SECONDS, valueFor, type Subject, type SubjectFactory } from './subjects/subject';

const BATCH = 1_000;
const REDIS_BATCH = 200;
const IN_FLIGHT = 64;

/**
 * Hit paths: memory tier (getOrSet / wrap / fetch, and a cached method) against lru-cache `get`;
 * Redis tier with no memory tier, one call at a time and 64 in flight on one key, against raw
 * ioredis GET + JSON.parse.
 */
export async function hitWorkloads(
  factories: SubjectFactory[],
  redisUrl: string,
  scale: Scale,
): Promise<PeerRow[]> {
  return [
    ...(await memoryHits(factories, scale)),
    ...(await redisHits(factories, redisUrl, scale)),
  ];
}

async function memoryHits(factories: SubjectFactory[], scale: Scale): Promise<PeerRow[]> {
  const lru = new LRUCache<string, object>({ max: 10_000, ttl: TTL_SECONDS * 1000 });
  lru.set('k', valueFor('k'));
  const subjects = await open(factories, (i) => ({
    memory: 10_000,
    redis: false,
    prefix: `hit${i}`,
  }));
  const { load, calls } = countingLoader();
  let sink: unknown;
  const floor = {
    'lru-cache get': () => {
      for (let i = 0; i < BATCH; i++) sink = lru.get('k');
    },
  };
  const getOrSet = tasks(subjects, (s) => async () => {
    for (let i = 0; i < BATCH; i++) sink = await s.getOrSet('k', load);
  });
  const methods = tasks(
    subjects.filter((s) => s.method),
    (s) => async () => {
      for (let i = 0; i < BATCH; i++) sink = await s.method?.(7);
    },
  );
  for (const s of subjects) await s.method?.(7);
  try {
    const samples = await alternate(
      { ...floor, ...getOrSet, ...prefixed('method:', methods) },
      scale,
      BATCH,
    );
    if (sink === undefined) throw new Error('the memory-hit benchmark read nothing');
    expectHitsOnly(calls(), subjects.length);
    const unit = (name: string) => figure(samples[name], 'ns/op');
    const lruFloor = unit('lru-cache get');
    return [
      floorRow('memory-tier hit', 'lru-cache get', lruFloor),
      ...Object.keys(getOrSet).map((library) =>
        row('memory-tier hit', library, unit(library), lruFloor),
      ),
      floorRow('cached method hit', 'lru-cache get', lruFloor),
      ...Object.keys(methods).map((library) =>
        row('cached method hit', library, unit(`method:${library}`), lruFloor, methodNote(library)),
      ),
    ];
  } finally {
    await closeAll(subjects);
  }
}

async function redisHits(
  factories: SubjectFactory[],
  url: string,
  scale: Scale,
): Promise<PeerRow[]> {
  const subjects = await open(factories, (i) => ({
    memory: false,
    redis: url,
    prefix: `rhit${i}`,
  }));
  const { load, calls } = countingLoader();
  const raw = new Redis(url);
  await raw.set('raw', JSON.stringify(valueFor('hot')));
  for (const s of subjects) await s.getOrSet('hot', load);
  const sequential = {
    'ioredis GET + JSON.parse': async () => {
      for (let i = 0; i < REDIS_BATCH; i++) JSON.parse((await raw.get('raw')) as string);
    },
    ...tasks(subjects, (s) => async () => {
      for (let i = 0; i < REDIS_BATCH; i++) await s.getOrSet('hot', load);
    }),
  };
  const burst = {
    'ioredis GET + JSON.parse': () =>
      Promise.all(burstOf(async () => JSON.parse((await raw.get('raw')) as string))),
    ...tasks(subjects, (s) => () => Promise.all(burstOf(() => s.getOrSet('hot', load)))),
  };
  try {
    const one = await alternate(sequential, scale, REDIS_BATCH);
    const many = await alternate(burst, scale, IN_FLIGHT);
    expectHitsOnly(calls(), subjects.length);
    return [
      ...rowsAgainst('redis-tier hit, no memory tier', one, 'ioredis GET + JSON.parse'),
      ...rowsAgainst(
        `${IN_FLIGHT} in flight, one hot key (Redis tier)`,
        many,
        'ioredis GET + JSON.parse',
      ),
    ];
  } finally {
    raw.disconnect();
    await closeAll(subjects);
  }
}

/** µs per call, each library's rows against the named floor's. */
function rowsAgainst(
  workload: string,
  samples: Record<string, number[]>,
  floorName: string,
): PeerRow[] {
  const us = (name: string) =>
    figure(
      samples[name].map((ns) => ns / 1000),
      'µs/op',
    );
  const floor = us(floorName);
  return [
    floorRow(workload, floorName, floor),
    ...Object.keys(samples)
      .filter((name) => name !== floorName)
      .map((library) => row(workload, library, us(library), floor)),
  ];
}

/** A hit benchmark that called a loader measured misses: a library is misconfigured. */
function expectHitsOnly(loaderCalls: number, warmed: number): void {
  if (loaderCalls !== warmed) {
    throw new Error(`${loaderCalls - warmed} loader calls during a hit workload: something missed`);
  }
}

function tasks(
  subjects: Subject[],
  make: (s: Subject) => () => unknown,
): Record<string, () => unknown> {
  return Object.fromEntries(subjects.map((s) => [s.library, make(s)]));
}

function prefixed(
  prefix: string,
  record: Record<string, () => unknown>,
): Record<string, () => unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [prefix + k, v]));
}

function burstOf<T>(call: () => Promise<T>): Promise<T>[] {
  return Array.from({ length: IN_FLIGHT }, call);
}

function methodNote(library: string): string | undefined {
  return library === OURS ? '@Cached' : library === 'async-cache-dedupe' ? 'define()' : undefined;
}
