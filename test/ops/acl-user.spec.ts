import { Redis } from 'ioredis';
import { setTimeout as delay } from 'node:timers/promises';
import { CacheService, RedisService, type CacheModuleOptions } from '@app/cache';
import { AUTH, startApp, TOKEN, type TestApp } from '../admin/support/admin-app';
import { RedisCluster } from '../support/redis-cluster';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';

jest.setTimeout(60_000);

const PREFIX = 'shop';
/**
 * The smallest rights the library works with, found by running every feature under them (a
 * denied command, key or channel is in ACL LOG; this suite asserts it stays empty). The same
 * line is in docs/DEPLOYMENT.md: keep them equal.
 */
const aclRules = (prefix: string) => [
  'reset',
  'on',
  '>cache-secret',
  `~${prefix}:*`,
  `&${prefix}:*`,
  '+ping', // health probe (AUTH is open to every user)
  '+quit', // a polite close
  ...['+get', '+set', '+mget', '+getrange', '+exists', '+unlink', '+del', '+scan', '+pexpire'],
  ...['+hget', '+hset', '+hdel', '+hincrby', '+hscan', '+time'], // the ledger hash, its clock
  ...['+evalsha', '+eval'],
  ...['+publish', '+subscribe'],
  '+info', // ioredis's ready check and the health endpoints (server stats, no keys)
];
/**
 * What a Cluster client needs on top: ioredis reads the topology (CLUSTER SLOTS), checks the
 * state (CLUSTER INFO) and names its connections (CLIENT SETNAME).
 */
const CLUSTER_RULES = ['+cluster|slots', '+cluster|info', '+client|setname'];

const options = (redis: CacheModuleOptions['redis'], keyPrefix: string): CacheModuleOptions => ({
  redis,
  keyPrefix,
  namespaces: { products: { ttl: 60 } },
  lock: { enabled: true },
  admin: { token: TOKEN },
  warmup: { onStartup: false },
});

/**
 * Every feature of the library, on two instances a and b: plain calls, the lock, tags,
 * namespaces, patterns, clear, the bus between them and the admin API. Any Redis error would be
 * absorbed by the cache (a fallback), so the caller also checks ACL LOG and the error counts.
 */
async function runEveryFeature(a: TestApp, b: TestApp): Promise<void> {
  const cache = a.app.get(CacheService);
  const other = b.app.get(CacheService);
  await cache.set('products:1', { name: 'comb' }, { tags: ['product:1'] });
  await cache.mset([
    { key: 'products:2', value: 2, tags: ['product:2'] },
    { key: 'misc:1', value: 'm' },
  ]);
  expect(await other.mget(['products:1', 'products:2', 'misc:1'])).toEqual([
    { name: 'comb' },
    2,
    'm',
  ]);
  expect(await other.getOrSet('loaded', () => 'L', { tags: ['l'] })).toBe('L');
  // the cross-instance lock: one instance loads, the other waits on the lock for its value
  let loads = 0;
  const slowLoad = async () => {
    loads++;
    await delay(100); // a slow origin: the other instance finds the lock taken
    return 'locked';
  };
  expect(
    await Promise.all([cache.getOrSet('cold', slowLoad), other.getOrSet('cold', slowLoad)]),
  ).toEqual(['locked', 'locked']);
  expect(loads).toBe(1);
  expect(await cache.delete('cold')).toBe(1);
  expect(await cache.get('loaded')).toBe('L'); // from Redis: a's memory never had it
  expect(await cache.ttl('loaded')).toBeGreaterThan(0);
  // pub/sub: b holds products:1 in memory; a's invalidation reaches it over the channel
  expect(await cache.invalidateTags(['product:1'])).toBe(1);
  await waitFor(async () => (await other.get('products:1')) === undefined, {
    message: 'the bus did not reach b',
  });
  expect(await cache.invalidateNamespace('products')).toBeGreaterThanOrEqual(1);
  expect(await cache.invalidatePattern('misc:*')).toBe(1);
  expect(await cache.delete('loaded')).toBe(1);

  // the admin API
  const http = a.http;
  expect((await http().get('/cache/health').expect(200)).body).toMatchObject({
    status: 'ok',
    backend: 'redis',
  });
  await http().get('/cache/health/detailed').set(AUTH).expect(200);
  await http().get('/cache/stats').set(AUTH).expect(200);
  await cache.set('products:9', 9, { namespace: 'products' });
  // page by page: on a Cluster each master is one run of pages
  const listed: string[] = [];
  let cursor = '0';
  do {
    const page = (await http().get('/cache/keys').query({ cursor }).set(AUTH).expect(200)).body;
    listed.push(...page.keys);
    cursor = page.cursor;
  } while (cursor !== '0');
  expect(listed).toEqual(['products:9']);
  expect(
    (await http().get('/cache/debug/key/products:9').set(AUTH).expect(200)).body,
  ).toMatchObject({ exists: true, value: 9 });
  expect((await http().get('/cache/test').set(AUTH).expect(200)).body.ok).toBe(true);
  await http()
    .post('/cache/invalidate')
    .set(AUTH)
    .send({ tags: ['x'] })
    .expect(200);
  expect((await http().delete('/cache/clear').set(AUTH).expect(200)).body.deleted).toBe(1);
  expect(await cache.clear()).toBe(0);

  // nothing failed quietly: no Redis error counted, no fallback, nothing denied
  expect(cache.stats().errors).toBe(0);
  expect(other.stats().errors).toBe(0);
  expect(a.app.get(RedisService).circuit).toBe('closed');
}

/** Every feature of the library, through a Redis user limited to the cache's keys and channel. */
describe('an ACL user limited to the prefix (standalone)', () => {
  let server: RedisServer;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    await server.cli('ACL', 'SETUSER', 'cacheuser', ...aclRules(PREFIX));
    await server.cli('SET', 'foreign', 'not yours');
    const url = `redis://cacheuser:cache-secret@${server.host}:${server.port}`;
    a = await startApp(options(url, PREFIX));
    b = await startApp(options(url, PREFIX));
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.shutdown();
  });

  it('runs every feature with no command, key or channel denied', async () => {
    await runEveryFeature(a, b);
    expect(await server.cli('ACL', 'LOG')).toBe('');
    expect(await server.cli('GET', 'foreign')).toBe('not yours');
  });

  it('cannot touch a key or channel outside the prefix', async () => {
    const user = new Redis({
      host: server.host,
      port: server.port,
      username: 'cacheuser',
      password: 'cache-secret',
      lazyConnect: true,
    });
    try {
      await user.connect();
      await expect(user.get('foreign')).rejects.toThrow(/NOPERM/);
      await expect(user.set('foreign', 'x')).rejects.toThrow(/NOPERM/);
      await expect(user.unlink('foreign')).rejects.toThrow(/NOPERM/);
      await expect(user.publish('other:bus', 'x')).rejects.toThrow(/NOPERM/);
      await expect(user.call('KEYS', '*')).rejects.toThrow(/NOPERM/);
      await expect(user.flushall()).rejects.toThrow(/NOPERM/);
      await expect(user.call('CONFIG', 'SET', 'maxmemory', '1')).rejects.toThrow(/NOPERM/);
      // a script cannot reach outside either
      await expect(user.eval("return redis.call('GET', 'foreign')", 0)).rejects.toThrow(
        /can't access/,
      );
      expect(await user.set(`${PREFIX}:v2:d:mine`, 'ok')).toBe('OK');
    } finally {
      user.disconnect();
    }
    expect(await server.cli('GET', 'foreign')).toBe('not yours');
  });
});

describe('an ACL user limited to the prefix (Cluster)', () => {
  const prefix = PREFIX; // no hash tag: the entries spread over the masters
  let cluster: RedisCluster;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    cluster = await RedisCluster.start({ masters: 3 });
    // ACLs are per node
    for (const node of cluster.servers) {
      await node.cli('ACL', 'SETUSER', 'cacheuser', ...aclRules(prefix), ...CLUSTER_RULES);
    }
    const redisOptions = { username: 'cacheuser', password: 'cache-secret' };
    a = await startApp(options({ cluster: cluster.nodes, options: { redisOptions } }, prefix));
    b = await startApp(options({ cluster: cluster.nodes, options: { redisOptions } }, prefix));
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await cluster?.shutdown();
  });

  it('runs every feature with no command, key or channel denied', async () => {
    await runEveryFeature(a, b);
    for (const node of cluster.servers) expect(await node.cli('ACL', 'LOG')).toBe('');
  });
});
