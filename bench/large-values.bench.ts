import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as turn, setTimeout as delay } from 'node:timers/promises';
import { CacheService } from '@app/cache';
import type { RedisServer } from '../test/support/redis-server';
import { app } from './engine.bench';
import type { Row } from './measure';

const MB = 1024 * 1024;
const ROUNDS = 6;

/** Two shapes of a 5 MB value: one large string field, and many small objects. */
const VALUES: [string, () => unknown][] = [
  [
    'document (5 MB string field)',
    () => ({ id: 1, at: new Date(0), body: 'lorem ipsum dolor sit amet '.repeat((5 * MB) / 27) }),
  ],
  [
    'rows (5 MB of small objects)',
    () =>
      Array.from({ length: 52_000 }, (_, id) => ({
        id,
        name: `customer ${id}`,
        email: `c${id}@example.com`,
        total: id * 1.5,
      })),
  ],
];

/**
 * Event-loop delay (perf_hooks.monitorEventLoopDelay, p99) while 5 MB values are loaded into the
 * cache by one instance (getOrSet: the path of @Cached and routes) or written by it (set), and
 * read from Redis by another (memory off, so every read decodes). The floor is what a JSON store costs the loop when it
 * handles the value whole: one JSON.stringify and one JSON.parse per pair, each in a turn of its
 * own. Long strings are kept out of the JSON, long arrays are written and parsed a 64 KiB slice
 * per turn, compression runs on the libuv pool and the value's heap size is measured in steps.
 */
export async function largeValuesBench(server: RedisServer): Promise<Row[]> {
  const shared = { redis: server.url, keyPrefix: 'bench-large', maxValueBytes: false as const };
  const writerApp = await app(shared);
  const readerApp = await app({ ...shared, memory: false });
  const writer = writerApp.get(CacheService);
  const reader = readerApp.get(CacheService);
  const rows: Row[] = [];
  try {
    for (const [name, make] of VALUES) {
      const value = make();
      // the unavoidable part: one JSON.stringify and one JSON.parse of the value, on the loop
      let t = performance.now();
      const json = JSON.stringify(value);
      const stringifyMs = performance.now() - t;
      t = performance.now();
      JSON.parse(json);
      const parseMs = performance.now() - t;
      await writer.getOrSet(`warm:${name}`, () => value); // first use compiles the paths
      await reader.get(`warm:${name}`);
      const plain = monitorEventLoopDelay({ resolution: 5 });
      plain.enable();
      for (let i = 0; i < ROUNDS; i++) {
        const json = JSON.stringify(value); // the writer's turn
        await turn();
        JSON.parse(json); // the reader's
        await turn();
      }
      plain.disable();
      const objects = Array.isArray(value) ? await objectsAlone(value) : undefined;
      const busy = monitorEventLoopDelay({ resolution: 5 });
      busy.enable();
      const started = performance.now();
      for (let i = 0; i < ROUNDS; i++) {
        const key = `${name}:${i}`;
        // each round: a load (getOrSet) and an explicit set(), each read back by the other app
        await writer.getOrSet(key, () => value);
        if ((await reader.get(key)) === undefined) throw new Error('large value not read back');
        await writer.set(`${key}:set`, value);
        if ((await reader.get(`${key}:set`)) === undefined) throw new Error('set() not read back');
      }
      const elapsed = performance.now() - started;
      busy.disable();
      const idle = monitorEventLoopDelay({ resolution: 5 });
      idle.enable();
      await delay(Math.min(elapsed, 3_000));
      idle.disable();
      rows.push({
        name: `event-loop delay p99, 5 MB ${name}`,
        ours: busy.percentile(99) / 1e6,
        floor: plain.percentile(99) / 1e6,
        unit: 'ms',
        better: 'lower',
        absolute: 20,
        note:
          `${ROUNDS} x (getOrSet, set) + Redis reads, ${(elapsed / ROUNDS / 2).toFixed(0)} ms per ` +
          `pair; floor: ` +
          `JSON.stringify + JSON.parse per pair (${stringifyMs.toFixed(0)} + ${parseMs.toFixed(0)} ms ` +
          `once); idle loop p99 ${(idle.percentile(99) / 1e6).toFixed(1)} ms` +
          (objects === undefined
            ? ''
            : `; the objects alone, 500 a turn: p99 ${objects.toFixed(1)} ms`),
      });
    }
  } finally {
    await writerApp.close();
    await readerApp.close();
  }
  return rows;
}

/**
 * The delay that making this many objects costs with no JSON at all: the items copied 500 per
 * turn of the loop (structuredClone), as often as the bench reads them. What remains is the
 * young-generation GC of the new objects, which no slicing avoids.
 */
async function objectsAlone(items: unknown[]): Promise<number> {
  const kept: unknown[][] = [];
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  for (let i = 0; i < ROUNDS; i++) {
    const copy: unknown[] = [];
    for (let at = 0; at < items.length; at += 500) {
      copy.push(...structuredClone(items.slice(at, at + 500)));
      await turn();
    }
    kept.push(copy); // alive, as a value read from the cache is
    if (kept.length > 2) kept.shift();
  }
  h.disable();
  return h.percentile(99) / 1e6;
}
