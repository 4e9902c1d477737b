// Shared by the ops suites: an app booted as a user boots it, and a bounded stream of cache
// calls that records every call that failed, to be run across a failover.
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as delay } from 'node:timers/promises';
import { CacheModule, CacheService, RedisService, type CacheModuleOptions } from '@app/cache';
import { waitFor } from '../support/wait-for';

export interface OpsApp {
  app: INestApplication;
  cache: CacheService;
  redis: RedisService;
}

export async function bootApp(options: CacheModuleOptions): Promise<OpsApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [CacheModule.forRoot({ admin: false, warmup: { onStartup: false }, ...options })],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  const redis = app.get(RedisService);
  await waitFor(() => redis.status === 'ready', {
    timeoutMs: 10_000,
    message: () => `Redis is ${redis.status}: ${redis.lastErrorMessage ?? ''}`,
  });
  return { app, cache: app.get(CacheService), redis };
}

export interface TrafficReport {
  calls: number;
  failures: string[];
}

/**
 * getOrSet / get / set / invalidate in a loop on every cache, each call awaited, until stop()
 * or a bound on calls or time (so a stuck test cannot run it forever). A call that throws is a
 * failure: the cache must absorb a Redis outage, not hand it to the caller.
 */
export class Traffic {
  calls = 0;
  readonly failures: string[] = [];
  private running = true;
  private readonly done: Promise<void>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    caches: CacheService[],
    { keys = 16, maxCalls = 200_000, maxMs = 60_000, pauseMs = 1 } = {},
  ) {
    this.timer = setTimeout(() => (this.running = false), maxMs);
    this.done = Promise.all(
      caches.map((cache, worker) => this.loop(cache, worker, keys, maxCalls, pauseMs)),
    ).then(() => undefined);
  }

  /** Resolves once `more` further calls have been made (or the bounds stopped the loop). */
  async advance(more: number, timeoutMs = 10_000): Promise<void> {
    const target = this.calls + more;
    await waitFor(() => this.calls >= target || !this.running, {
      timeoutMs,
      message: () => `traffic stalled at ${this.calls} calls (wanted ${target})`,
    });
  }

  async stop(): Promise<TrafficReport> {
    this.running = false;
    clearTimeout(this.timer);
    await this.done;
    return { calls: this.calls, failures: this.failures };
  }

  private async loop(
    cache: CacheService,
    worker: number,
    keys: number,
    maxCalls: number,
    pauseMs: number,
  ): Promise<void> {
    for (let i = 0; this.running && this.calls < maxCalls; i++) {
      const key = `traffic:${i % keys}`;
      const op = i % 5;
      try {
        if (op === 0)
          await cache.getOrSet(key, () => ({ worker, i }), { tags: [`t${i % 4}`], ttl: 60 });
        else if (op === 1) await cache.get(key);
        else if (op === 2) await cache.set(key, { worker, i }, { tags: [`t${i % 4}`], ttl: 60 });
        else if (op === 3) await cache.mget([key, `traffic:${(i + 1) % keys}`]);
        else if (i % 10 === 4) await cache.invalidateTags([`t${i % 4}`]);
        else await cache.delete(key);
      } catch (err) {
        this.failures.push(`${['getOrSet', 'get', 'set', 'mget', 'invalidate'][op]}: ${err}`);
      }
      this.calls++;
      // a steady stream rather than a busy loop: the machine runs other suites too
      await delay(pauseMs);
    }
  }
}
