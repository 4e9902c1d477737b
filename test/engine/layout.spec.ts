// The Redis key layout (v2) as an operator sees it: invalidations set markers and leave the
// entries in place for the reaper, which gives the memory back without touching anything else;
// keys of the previous layout are never read as entries.
import { Redis } from 'ioredis';
import type { CacheModuleOptions } from '@app/cache';
import { RedisServer } from '../support/redis-server';
import { isEntry } from '../support/stored-entry';
import { waitFor } from '../support/wait-for';
import { bootCache, uniquePrefix, type CacheApp } from './boot-cache';

jest.setTimeout(30_000);

let server: RedisServer;
let raw: Redis;
let apps: CacheApp[] = [];
let prefix: string;

beforeAll(async () => {
  server = await RedisServer.start();
  raw = new Redis(server.url);
});
afterAll(async () => {
  raw?.disconnect();
  await server?.shutdown();
});
beforeEach(() => {
  prefix = uniquePrefix('layout');
});
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

async function instance(options: CacheModuleOptions = {}): Promise<CacheApp> {
  const app = await bootCache({ redis: server.url, keyPrefix: prefix, ...options });
  apps.push(app);
  return app;
}

/** The user keys whose data key holds an entry (not a tombstone), by SCAN. */
async function stored(keyPrefix = prefix): Promise<string[]> {
  const root = `${keyPrefix}:v2:d:`;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await raw.scan(cursor, 'MATCH', `${root}*`, 'COUNT', 1000);
    keys.push(...found);
    cursor = next;
  } while (cursor !== '0');
  const values = keys.length > 0 ? await raw.mget(keys) : [];
  return keys
    .filter((_, i) => isEntry(values[i]))
    .map((k) => k.slice(root.length))
    .sort();
}

const range = (n: number, name: string) => Array.from({ length: n }, (_, i) => `${name}:${i}`);

describe('lazy invalidation and the reaper', () => {
  it('a tag invalidation leaves the entries for the reaper, which removes them and nothing else', async () => {
    const { cache } = await instance({ reaper: { batchSize: 50, pauseMs: 0 } });
    const neighbour = await instance({ keyPrefix: `${prefix}x` }); // shares the string prefix
    await server.cli('SET', `${prefix}-foreign`, 'x');
    await neighbour.cache.set('t:0', 'theirs', { tags: ['big'] });
    await cache.mset(range(300, 't').map((key) => ({ key, value: key, tags: ['big'] })));
    await cache.mset(range(20, 'keep').map((key) => ({ key, value: key, tags: ['small'] })));

    await cache.invalidateTags('big');
    // unreadable at once, from every tier
    expect(await cache.mget(['t:0', 't:299', 'keep:0'])).toEqual([undefined, undefined, 'keep:0']);
    let left: string[] = [];
    await waitFor(async () => (left = await stored()).length === 20, {
      timeoutMs: 10_000,
      message: () => `the reaper did not remove the invalidated entries: ${left.length} left`,
    });
    expect(await stored()).toEqual(range(20, 'keep').sort());
    expect(await stored(`${prefix}x`)).toEqual(['t:0']);
    expect(await server.cli('GET', `${prefix}-foreign`)).toBe('x');
    expect(await neighbour.cache.get('t:0')).toBe('theirs');
  });

  it('clear() marks everything: later writes stay, everything before goes, in the background', async () => {
    const { cache, engine } = await instance({ reaper: { batchSize: 50, pauseMs: 0 } });
    await cache.mset(range(200, 'old').map((key) => ({ key, value: key, namespace: 'ns' })));
    await cache.clear();
    await cache.set('new', 'after');
    expect(await cache.get('old:1')).toBeUndefined();
    await waitFor(async () => (await stored()).length === 1, {
      timeoutMs: 10_000,
      message: 'the reaper did not remove what clear() invalidated',
    });
    expect(await stored()).toEqual(['new']);
    expect(await cache.get('new')).toBe('after');
    expect(engine.reaper.lastPass?.reaped).toBeGreaterThan(0);
  });

  it('with the reaper off, invalidated entries stay in Redis until their TTL but never read', async () => {
    const { cache } = await instance({ reaper: { enabled: false } });
    const other = await instance({ reaper: { enabled: false }, memory: false });
    await cache.mset(range(10, 'n').map((key) => ({ key, value: key, namespace: 'gone' })));
    expect(await cache.invalidateNamespace('gone')).toBe(10); // dropped from this memory tier
    expect(await stored()).toHaveLength(10);
    expect(await other.cache.mget(range(10, 'n'))).toEqual(range(10, 'n').map(() => undefined));
    expect(await cache.getOrSet('n:1', async () => 'reloaded')).toBe('reloaded');
  });
});

describe('layout version', () => {
  it('never reads a key of the previous layout as an entry, and leaves it alone', async () => {
    // what the previous layout stored under `<prefix>:d:<key>`: an envelope, unframed
    const now = Date.now();
    const old = JSON.stringify({ v: 'old layout', c: now, e: now + 600_000, s: 0, g: 0 });
    await server.cli('SET', `${prefix}:d:k`, old);
    const { cache } = await instance();
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.getOrSet('k', async () => 'fresh')).toBe('fresh');
    await cache.clear();
    expect(await server.cli('GET', `${prefix}:d:k`)).toBe(old);
  });
});
