// What every suite that boots CacheModule needs: a prefix of its own, and to wait until the
// cache is fully usable before it asserts anything.
import type { INestApplication } from '@nestjs/common';
import { CacheEngine, RedisService } from '@app/cache';
import { waitFor } from './wait-for';

let counter = 0;

/** A keyPrefix that no other test, suite or earlier run against the same server uses. */
export function uniquePrefix(label: string): string {
  return `${label.replace(/[^A-Za-z0-9]+/g, '-')}-${process.pid}-${++counter}`;
}

/**
 * Until Redis answers and the invalidation bus is subscribed, the engine reads through to Redis
 * and bypasses its memory tier: a HIT from memory is only certain after that. Memory-only apps
 * are ready at once. Closes the app when it never gets there, so no connection is left behind.
 */
export async function untilCacheReady(app: INestApplication, timeoutMs = 5_000): Promise<void> {
  const redis = app.get(RedisService);
  const engine = app.get(CacheEngine);
  try {
    if (redis.status !== 'disabled') {
      await waitFor(() => redis.status === 'ready', {
        timeoutMs,
        message: () => `Redis is ${redis.status} (circuit ${redis.circuit}), not ready`,
      });
    }
    const bus = engine.bus;
    if (bus) {
      await waitFor(() => bus.isHealthy, {
        timeoutMs,
        message: 'the invalidation bus never subscribed',
      });
    }
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
}
