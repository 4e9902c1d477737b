// Shared by the resilience suites: booting cache apps on a real Redis, loaders the test controls,
// and watchers for unhandled rejections and memory. No mocks: every suite runs a real
// redis-server (test/support/redis-server.ts) and kills, freezes or restarts it.
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext, runInThisContext } from 'node:vm';
import { Cluster } from 'ioredis';
import type { CacheModuleOptions } from '@app/cache';
import { frame } from '@app/cache/testing';
import { bootApp, type BootedApp } from '../support/boot-app';
import type { RawRedis } from '../support/topology';
import { waitFor } from '../support/wait-for';

export { waitFor } from '../support/wait-for';
export { RedisServer, freePort } from '../support/redis-server';

/** The command timeout every suite runs with; latency bounds are stated against it. */
export const COMMAND_TIMEOUT_MS = 200;

export type Instance = BootedApp;

export { uniquePrefix } from '../support/cache-app';

/** A Nest app around CacheModule, usable once init resolves (Redis up or not). */
export function startInstance(options: CacheModuleOptions): Promise<Instance> {
  return bootApp({
    cache: {
      ...options,
      warmup: { onStartup: false },
      admin: false,
      resilience: { commandTimeoutMs: COMMAND_TIMEOUT_MS, ...options.resilience },
    },
    logger: false,
  });
}

/** Redis ready (connected, circuit not open), bus subscribed. */
export async function untilHealthy(instance: Instance, timeoutMs = 5000): Promise<void> {
  const { redis, engine } = instance;
  await waitFor(() => redis.status === 'ready' && (engine.bus?.isHealthy ?? true), {
    timeoutMs,
    message: () =>
      `not healthy: status ${redis.status}, circuit ${redis.circuit}, bus ${engine.bus?.isHealthy}`,
  });
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A loader the test holds: each call is recorded, signals `called`, and returns what the test
 * later passes to release() (or throws what it passes to fail()).
 */
export class PausedLoader<T> {
  calls = 0;
  private readonly gate = deferred<T>();
  private readonly firstCall = deferred<void>();

  readonly fn = (): Promise<T> => {
    this.calls++;
    this.firstCall.resolve();
    return this.gate.promise;
  };

  /** resolves when the loader was first called */
  get called(): Promise<void> {
    return this.firstCall.promise;
  }

  release(value: T): void {
    this.gate.resolve(value);
  }

  fail(err: unknown): void {
    this.gate.reject(err);
  }
}

/** A loader that counts its calls and answers at once. */
export function countingLoader<T>(value: T | (() => T)): {
  fn: () => Promise<T>;
  calls: () => number;
} {
  let calls = 0;
  return {
    fn: async () => {
      calls++;
      return typeof value === 'function' ? (value as () => T)() : value;
    },
    calls: () => calls,
  };
}

/**
 * Records unhandled rejections. Jest runs a test file with its own copy of `process` whose
 * listeners never fire: the host process is the one that sees them.
 */
export function watchUnhandledRejections(): { seen: unknown[]; stop(): void } {
  const host = runInThisContext('process') as NodeJS.Process;
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  host.on('unhandledRejection', listener);
  return { seen, stop: () => host.off('unhandledRejection', listener) };
}

/** A full GC, for heap measurements that mean something (v8's gc exposed at run time). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** The ioredis command queues (commands written, waiting for a reply): a Cluster has one a node. */
export function commandQueueLength(instance: Instance): number {
  const { client } = instance.redis;
  const connections = client instanceof Cluster ? client.nodes() : [client];
  return connections.reduce(
    (sum, c) => sum + (c as unknown as { commandQueue: { length: number } }).commandQueue.length,
    0,
  );
}

/** How long a promise took to settle, and how (it never rejects). */
export async function timed<T>(
  promise: Promise<T>,
  startedAt: number,
): Promise<{ ms: number; value?: T; error?: unknown }> {
  try {
    const value = await promise;
    return { ms: performance.now() - startedAt, value };
  } catch (error) {
    return { ms: performance.now() - startedAt, error };
  }
}

/** The raw Redis data key of a cache key. */
export function dataKey(prefix: string, key: string): string {
  return `${prefix}:v2:d:${key}`;
}

/** How many hot keys warm() stores. */
export const HOT_KEYS = 10;

/** Puts hot:0..hot:9 in both tiers (value = key). */
export async function warm(instance: Instance): Promise<void> {
  for (let i = 0; i < HOT_KEYS; i++) await instance.cache.set(`hot:${i}`, `hot:${i}`, { ttl: 600 });
}

/** Writes an entry straight into Redis, as another writer would. */
export async function writeDirect(
  server: RawRedis,
  instance: Instance,
  key: string,
  value: unknown,
): Promise<void> {
  const now = Date.now();
  const payload = instance.engine.serializer.encode({
    v: value,
    c: now,
    e: now + 600_000,
    s: 0,
    g: 0,
  });
  // stamped with the ledger's current seq, as a load starting now would be
  const seq = Number(await server.cli('HGET', instance.engine.layout.ledger, 'seq')) || 0;
  await server.cli(
    'SET',
    instance.engine.layout.data(key),
    frame(seq, payload, undefined, undefined),
  );
}

/** Polls get() until it returns what was written to Redis directly, with a deadline `ms` after `since`. */
export async function readsRedisWithin(
  instance: Instance,
  key: string,
  value: unknown,
  since: number,
  ms: number,
) {
  await waitFor(async () => (await instance.cache.get(key)) === value, {
    timeoutMs: Math.max(1, ms - (performance.now() - since)),
    message: () =>
      `get("${key}") did not read Redis (status ${instance.redis.status}, circuit ${instance.redis.circuit})`,
  });
}

const streams: CallStream[] = [];

/** Stops every stream still running (for afterEach: a failed test must not leave one behind). */
export async function stopStreams(): Promise<void> {
  await Promise.all(streams.splice(0).map((s) => s.stop()));
}

/**
 * Workers calling getOrSet on hot keys and on cold ones (never seen before), each call timed and
 * checked. The loader answers what was stored, so whichever tier serves, the value is the key.
 */
export class CallStream {
  count = 0;
  maxMs = 0;
  readonly failures: string[] = [];
  private running = true;
  private cold = 0;
  private readonly done: Promise<void[]>;

  constructor(
    private readonly instance: Instance,
    workers = 8,
  ) {
    this.done = Promise.all(Array.from({ length: workers }, () => this.work()));
    streams.push(this);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  private async work(): Promise<void> {
    for (let n = 0; this.running; n++) {
      const key = n % 2 === 0 ? `hot:${n % HOT_KEYS}` : `cold:${++this.cold}`;
      const { ms, value, error } = await timed(
        this.instance.cache.getOrSet(key, async () => key),
        performance.now(),
      );
      this.count++;
      this.maxMs = Math.max(this.maxMs, ms);
      if (error !== undefined || value !== key)
        this.failures.push(`${key}: ${String(error ?? value)}`);
      await yieldToLoop(); // memory hits settle in microtasks: let timers and sockets run
    }
  }
}
