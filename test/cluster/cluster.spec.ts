import type { INestApplication } from '@nestjs/common';
import { CacheService, RedisService, type CacheModuleOptions } from '@app/cache';
import { bootApp } from '../support/boot-app';
import { RedisCluster } from '../support/redis-cluster';
import { waitFor } from '../support/wait-for';

jest.setTimeout(30_000);

/** The engine on a real 3-master Redis Cluster: scripts, SCAN on every master, pub/sub. */
describe('Redis Cluster mode', () => {
  let cluster: RedisCluster;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    cluster = await RedisCluster.start({ masters: 3 });
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await cluster.shutdown();
  });

  async function start(options: CacheModuleOptions): Promise<INestApplication> {
    const { app } = await bootApp({ cache: { admin: false, ...options } });
    apps.push(app);
    expect(app.get(RedisService).status).toBe('ready');
    return app;
  }

  it('spreads the entries of a prefix without a hash tag over every master', async () => {
    const app = await start({ redis: { cluster: cluster.nodes }, keyPrefix: 'plain' });
    const cache = app.get(CacheService);
    const keys = Array.from({ length: 300 }, (_, i) => `k:${i}`);
    await cache.mset(keys.map((key) => ({ key, value: key })));
    const perMaster = await Promise.all(
      (await cluster.masters()).map(async (master) => {
        const scanned = await master.cli('--scan', '--pattern', 'plain:v2:d:*');
        return scanned.split('\n').filter(Boolean).length;
      }),
    );
    expect(perMaster).toHaveLength(3);
    expect(perMaster.reduce((a, b) => a + b, 0)).toBe(300);
    for (const count of perMaster) expect(count).toBeGreaterThan(50);
    // and every one reads back, in one mget across the masters
    expect(await cache.mget(keys)).toEqual(keys);
  });

  it('stores, invalidates by tag and pattern, and clears on every master', async () => {
    const app = await start({ redis: { cluster: cluster.nodes }, keyPrefix: 'shop' });
    const cache = app.get(CacheService);
    expect(app.get(RedisService).mode).toBe('cluster');
    await cache.mset([
      { key: 'a:1', value: 1, tags: ['t'] },
      { key: 'a:2', value: 2 },
      { key: 'b:1', value: { deep: [1] } },
    ]);
    expect(await cache.mget(['a:1', 'a:2', 'b:1', 'none'])).toEqual([
      1,
      2,
      { deep: [1] },
      undefined,
    ]);
    expect(await cache.invalidateTags(['t'])).toBe(1);
    expect(await cache.get('a:1')).toBeUndefined();
    expect(await cache.invalidatePattern('a:*')).toBe(1);
    expect(await cache.get('b:1')).toEqual({ deep: [1] });

    // a key of the application's own, on whichever master owns its slot, must survive clear()
    const client = app.get(RedisService).client!;
    await client.set('foreign:key', 'mine');
    await cache.clear();
    expect(await cache.get('b:1')).toBeUndefined();
    expect(await client.get('foreign:key')).toBe('mine');
  });

  it('keeps two instances coherent through pub/sub on the cluster', async () => {
    const options = { redis: { cluster: cluster.nodes }, keyPrefix: '{bus}' };
    const a = (await start(options)).get(CacheService);
    const b = (await start(options)).get(CacheService);
    await a.set('k', 'v1');
    expect(await b.get('k')).toBe('v1'); // now in b's memory tier too
    await a.set('k', 'v2');
    await waitFor(async () => (await b.get('k')) === 'v2', { message: 'b kept serving v1' });
    await a.delete('k');
    await waitFor(async () => (await b.get('k')) === undefined, {
      message: 'b kept the deleted key',
    });
  });
});
