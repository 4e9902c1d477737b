import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
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
 * cache by one instance (getOrSet: the path of @Cached and routes) and read from Redis by another
 * (memory off, so every read decodes), against the delay of an idle loop over as long:
 * compression and decompression run on the libuv pool, JSON encoding and parsing stay on the
 * event loop. (An explicit set() deflates on the loop, to keep its place before later commands.)
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
      const busy = monitorEventLoopDelay({ resolution: 5 });
      busy.enable();
      const started = performance.now();
      for (let i = 0; i < ROUNDS; i++) {
        const key = `${name}:${i}`;
        await writer.getOrSet(key, () => value);
        if ((await reader.get(key)) === undefined) throw new Error('large value not read back');
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
        floor: idle.percentile(99) / 1e6,
        unit: 'ms',
        better: 'lower',
        absolute: 20,
        note:
          `${ROUNDS} writes + Redis reads, ${(elapsed / ROUNDS).toFixed(0)} ms per pair; floor: ` +
          `idle loop; plain JSON.stringify ${stringifyMs.toFixed(0)} ms, JSON.parse ${parseMs.toFixed(0)} ms`,
      });
    }
  } finally {
    await writerApp.close();
    await readerApp.close();
  }
  return rows;
}
