// Expired values that are still useful. staleWhileRevalidate: an expired entry is served (source
// 'stale') while exactly one background refresh runs. grace: when the loader fails, a value
// within its grace window is served and the failure counted; with none, the loader's error
// reaches the caller unchanged.
import type { EntryOptions } from '@app/cache';
import type { CacheEngine } from '@app/cache/testing';
import {
  PausedLoader,
  RedisServer,
  dataKey,
  startInstance,
  uniquePrefix,
  waitFor,
  watchUnhandledRejections,
  type Instance,
} from './helpers';

jest.setTimeout(30_000);

let server: RedisServer;
let a: Instance;
let prefix: string;
let rejections: ReturnType<typeof watchUnhandledRejections>;
beforeAll(async () => {
  server = await RedisServer.start();
  prefix = uniquePrefix('swr');
  a = await startInstance({ redis: server.url, keyPrefix: prefix });
});
afterAll(async () => {
  await a?.close();
  await server?.shutdown();
});
beforeEach(() => (rejections = watchUnhandledRejections()));
afterEach(() => {
  rejections.stop();
  expect(rejections.seen).toEqual([]);
});

/** Stores `value` under key through the loader path, then waits until it has expired. */
async function storeThenExpire(
  engine: CacheEngine,
  key: string,
  value: unknown,
  opts: EntryOptions,
) {
  const outcome = await engine.fetch(key, async () => value, opts);
  expect(outcome.source).toBe('loader');
  const expires = outcome.envelope!.e;
  await waitFor(() => Date.now() > expires, { timeoutMs: 5000 });
}

describe('staleWhileRevalidate', () => {
  const opts = { ttl: 0.2, staleWhileRevalidate: 30 };

  it('serves the expired entry as stale while exactly one background refresh runs', async () => {
    await storeThenExpire(a.engine, 'swr', 'v1', opts);
    const refresh = new PausedLoader<string>();
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () => a.engine.fetch('swr', refresh.fn, opts)),
    );
    expect(outcomes.every((o) => o.source === 'stale' && o.value === 'v1')).toBe(true);
    await refresh.called;
    expect(await a.cache.getOrSet('swr', refresh.fn, opts)).toBe('v1'); // still stale, still one refresh
    expect(refresh.calls).toBe(1);
    const before = a.cache.stats().staleHits;

    refresh.release('v2');
    await waitFor(() => a.engine.flight('swr') === undefined);
    const fresh = await a.engine.fetch('swr', async () => 'never', opts);
    expect(fresh).toMatchObject({ source: 'memory', value: 'v2' });
    expect(await server.cli('GET', dataKey(prefix, 'swr'))).toContain('"v2"');
    expect(a.cache.stats().staleHits).toBe(before);
  });

  it('another instance reading the expired entry from Redis serves it as stale too, and refreshes once', async () => {
    const b = await startInstance({ redis: server.url, keyPrefix: prefix });
    try {
      await storeThenExpire(a.engine, 'swr-b', 'v1', opts);
      const refresh = new PausedLoader<string>();
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, () => b.engine.fetch('swr-b', refresh.fn, opts)),
      );
      expect(outcomes.every((o) => o.source === 'stale' && o.value === 'v1')).toBe(true);
      await refresh.called;
      expect(refresh.calls).toBe(1);
      refresh.release('v2');
      await waitFor(async () => (await b.cache.get('swr-b')) === 'v2');
    } finally {
      await b.close();
    }
  });

  it('a failed refresh keeps the stale value served and counts the error', async () => {
    await storeThenExpire(a.engine, 'swr-fail', 'v1', opts);
    const errors = a.cache.stats().errors;
    const refresh = new PausedLoader<string>();
    expect(await a.engine.fetch('swr-fail', refresh.fn, opts)).toMatchObject({
      source: 'stale',
      value: 'v1',
    });
    await refresh.called;
    refresh.fail(new Error('origin down'));
    await waitFor(() => a.engine.flight('swr-fail') === undefined);
    expect(a.cache.stats().errors).toBe(errors + 1);
    expect(await a.engine.fetch('swr-fail', async () => 'v3', opts)).toMatchObject({
      source: 'stale',
      value: 'v1',
    });
  });
});

describe('grace', () => {
  const opts = { ttl: 0.2, grace: 30 };

  it('serves the expired value when the loader fails, and counts the failure', async () => {
    await storeThenExpire(a.engine, 'grace', 'v1', opts);
    const errors = a.cache.stats().errors;
    const failure = new Error('origin down');
    const outcome = await a.engine.fetch('grace', () => Promise.reject(failure), opts);
    expect(outcome).toMatchObject({ source: 'grace', value: 'v1' });
    expect(await a.cache.getOrSet('grace', () => Promise.reject(failure), opts)).toBe('v1');
    expect(a.cache.stats().errors).toBe(errors + 2);
    // a loader that works again replaces it
    expect(await a.cache.getOrSet('grace', async () => 'v2', opts)).toBe('v2');
  });

  it('also from Redis alone: another instance with nothing in memory serves the grace value', async () => {
    const b = await startInstance({ redis: server.url, keyPrefix: prefix });
    try {
      await storeThenExpire(a.engine, 'grace-b', 'v1', opts);
      const errors = b.cache.stats().errors;
      expect(await b.cache.getOrSet('grace-b', () => Promise.reject(new Error('down')), opts)).toBe(
        'v1',
      );
      expect(b.cache.stats().errors).toBe(errors + 1);
    } finally {
      await b.close();
    }
  });

  it('with no value to fall back on, every caller gets the loader error itself', async () => {
    const failure = new Error('origin down');
    const load = jest.fn(() => Promise.reject(failure));
    const calls = Array.from({ length: 20 }, () => a.cache.getOrSet('never-stored', load, opts));
    for (const call of calls) await expect(call).rejects.toBe(failure);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('past the grace window, the loader error reaches the caller unchanged', async () => {
    await storeThenExpire(a.engine, 'no-grace', 'v1', { ttl: 0.2 });
    const failure = new TypeError('bad row');
    await expect(
      a.cache.getOrSet('no-grace', () => Promise.reject(failure), { ttl: 0.2 }),
    ).rejects.toBe(failure);
  });
});
