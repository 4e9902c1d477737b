// CACHE_MANAGER as cache-manager 7's `Cache`: the same calls give the same answers as the real
// cache-manager (run side by side), TTLs in milliseconds, on our engine over a real Redis.
import { Injectable, Inject } from '@nestjs/common';
import { createCache, type Cache } from 'cache-manager';
import { CacheService } from '@app/cache';
import { CACHE_MANAGER, CacheModule } from '@app/cache/nestjs-cache-manager';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { bootCompatApp, uniquePrefix, type CompatApp } from './compat-app';

jest.setTimeout(30_000);

/** A service written against cache-manager's type, as an NCM application has them. */
@Injectable()
class ProfileService {
  loads = 0;
  constructor(@Inject(CACHE_MANAGER) readonly cache: Cache) {}

  profile(id: number): Promise<{ id: number; load: number }> {
    return this.cache.wrap(`profile:${id}`, async () => ({ id, load: ++this.loads }), 60_000);
  }
}

let redis: RedisServer;
let compat: CompatApp;
let ours: Cache;
let prefix: string;

beforeAll(async () => {
  redis = await RedisServer.start();
  prefix = uniquePrefix('ncm-api');
  compat = await bootCompatApp({
    imports: [CacheModule.register({ ttl: 60_000, redis: redis.url, keyPrefix: prefix })],
    providers: [ProfileService],
  });
  ours = compat.app.get(ProfileService).cache;
});
afterAll(async () => {
  await compat?.close();
  await redis?.shutdown();
});

/** The same script against the real cache-manager and ours: every answer must agree. */
async function answers(cache: Cache): Promise<unknown[]> {
  const out: unknown[] = [];
  const step = async (p: Promise<unknown>) => out.push(await p);
  await step(cache.get('diff:missing'));
  for (const [key, value] of Object.entries({ zero: 0, empty: '', no: false, nil: null })) {
    await step(cache.set(`diff:${key}`, value));
    await step(cache.get(`diff:${key}`));
  }
  await step(cache.set('diff:obj', { a: [1, { b: 'c' }] }, 5_000));
  await step(cache.get('diff:obj'));
  await step(
    cache.mset<unknown>([
      { key: 'diff:m1', value: 'one' },
      { key: 'diff:m2', value: 2, ttl: 5_000 },
    ]),
  );
  await step(cache.mget(['diff:m1', 'diff:missing', 'diff:m2', 'diff:zero']));
  await step(cache.del('diff:m1'));
  await step(cache.del('diff:never-there'));
  await step(cache.get('diff:m1'));
  await step(cache.mdel(['diff:m2', 'diff:obj']));
  await step(cache.mget(['diff:m2', 'diff:obj']));
  await step(cache.wrap('diff:w', async () => 'loaded', 5_000));
  await step(cache.wrap('diff:w', async () => 'not again'));
  await step(cache.wrap('diff:w2', async () => 3, { ttl: (v: number) => v * 1000 }));
  await step(cache.ttl('diff:missing'));
  await step(cache.disconnect());
  return out;
}

describe('CACHE_MANAGER', () => {
  it('answers every call as cache-manager 7 does', async () => {
    const reference = createCache({ ttl: 60_000 });
    expect(await answers(ours)).toEqual(await answers(reference));
  });

  it('writes through our engine: same entries for CacheService, under the keyPrefix in Redis', async () => {
    await ours.set('shared', { from: 'CACHE_MANAGER' });
    expect(await compat.app.get(CacheService).get('shared')).toEqual({ from: 'CACHE_MANAGER' });
    expect(await redis.cli('exists', `${prefix}:v2:d:shared`)).toBe('1');
  });

  it('TTLs are milliseconds; ttl(key) is the expiry time in epoch ms', async () => {
    await ours.set('ttl:given', 'v', 1_500);
    const pttl = Number(await redis.cli('pttl', `${prefix}:v2:d:ttl:given`));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(1_500);
    const expires = (await ours.ttl('ttl:given'))!;
    expect(expires - Date.now()).toBeGreaterThan(0);
    expect(expires - Date.now()).toBeLessThanOrEqual(2_000);

    await ours.set('ttl:module', 'v');
    const left = (await ours.ttl('ttl:module'))! - Date.now();
    expect(left).toBeGreaterThan(58_000);
    expect(left).toBeLessThanOrEqual(61_000);

    await ours.set('ttl:short', 'v', 200);
    await waitFor(async () => (await ours.get('ttl:short')) === undefined, {
      message: 'a 200 ms entry never expired',
    });
  });

  it('ttl 0 (cache-manager: no expiry) keeps the entry for a year', async () => {
    await ours.set('ttl:zero', 'kept', 0);
    const left = (await ours.ttl('ttl:zero'))! - Date.now();
    expect(left).toBeGreaterThan(364 * 24 * 3600 * 1000);
    expect(await ours.get('ttl:zero')).toBe('kept');
  });

  it('clear() removes everything under the keyPrefix and nothing else', async () => {
    await redis.cli('set', 'not-ours', 'x');
    await ours.set('to-clear', 1);
    expect(await ours.clear()).toBe(true);
    expect(await ours.get('to-clear')).toBeUndefined();
    expect(await redis.cli('get', 'not-ours')).toBe('x');
  });

  it('wrap runs the function once for concurrent callers (single flight)', async () => {
    const service = compat.app.get(ProfileService);
    const results = await Promise.all(Array.from({ length: 20 }, () => service.profile(1)));
    expect(new Set(results.map((r) => r.load))).toEqual(new Set([1]));
    expect(service.loads).toBe(1);
    expect(await service.profile(1)).toEqual({ id: 1, load: 1 });
  });

  it('wrap with refreshThreshold reloads a hit close to expiry once, in the background', async () => {
    let calls = 0;
    const refreshed: unknown[] = [];
    const onRefresh = ({ value }: { value: unknown }) => refreshed.push(value);
    ours.on('refresh', onRefresh);
    const load = async () => `v${++calls}`;
    const options = { ttl: 3_000, refreshThreshold: 2_500 };
    expect(await ours.wrap('refresh:k', load, options)).toBe('v1');
    // hits go on serving v1 until the remaining TTL falls under 2.5 s; then one reload
    await waitFor(async () => (await ours.wrap('refresh:k', load, options)) === 'v2', {
      timeoutMs: 5_000,
      message: () => `never refreshed (calls: ${calls})`,
    });
    ours.off('refresh', onRefresh);
    expect(refreshed).toEqual(['v2']);
    expect(calls).toBe(2);
  });

  it('wrap with raw: true gives the value and its expiry', async () => {
    const raw = (await ours.wrap('raw:k', async () => 'v', { ttl: 10_000, raw: true })) as {
      value: string;
      expires: number;
    };
    expect(raw.value).toBe('v');
    expect(raw.expires - Date.now()).toBeGreaterThan(8_000);
    expect(raw.expires - Date.now()).toBeLessThanOrEqual(11_000);
  });

  it('emits cache-manager’s events; off() stops them', async () => {
    const seen: string[] = [];
    const listeners = {
      set: ({ key }: { key: string }) => seen.push(`set ${key}`),
      get: ({ key }: { key: string }) => seen.push(`get ${key}`),
      del: ({ key }: { key: string }) => seen.push(`del ${key}`),
      clear: () => seen.push('clear'),
    };
    ours.on('set', listeners.set);
    ours.on('get', listeners.get);
    ours.on('del', listeners.del);
    ours.on('clear', listeners.clear);
    await ours.set('ev', 1);
    await ours.get('ev');
    await ours.get('ev:missing');
    await ours.del('ev');
    await ours.clear();
    ours.off('set', listeners.set);
    await ours.set('ev', 2);
    ours.off('get', listeners.get);
    ours.off('del', listeners.del);
    ours.off('clear', listeners.clear);
    expect(seen).toEqual(['set ev', 'get ev', 'del ev', 'clear']);
    expect(typeof ours.cacheId()).toBe('string');
  });
});
