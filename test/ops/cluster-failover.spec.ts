import type { CacheModuleOptions } from '@app/cache';
import { RedisCluster } from '../support/redis-cluster';
import { waitFor } from '../support/wait-for';
import { bootApp, Traffic, type OpsApp } from './ops-app';

jest.setTimeout(90_000);

// Untagged, the entries spread over every master; hash-tagged, the whole cache sits in one slot.
// Either way the test kills the master of the prefix's slot (which holds the ledger) and checks
// keys written all over the cluster.
const PREFIXES = ['ops', '{ops}'];

/** A real 3-master Cluster, one replica each: a master dies under traffic, its replica takes over. */
describe.each(PREFIXES)('Cluster failover under traffic (prefix %s)', (keyPrefix) => {
  let cluster: RedisCluster;
  const apps: OpsApp[] = [];

  beforeAll(async () => {
    // a short node timeout so that the replica is promoted within seconds, not 15 s
    cluster = await RedisCluster.start({
      masters: 3,
      replicas: 1,
      args: ['--cluster-node-timeout', '1000'],
    });
  });

  afterAll(async () => {
    await Promise.all(apps.map(({ app }) => app.close()));
    await cluster?.shutdown();
  });

  it('loses no call while the master is down, and is back on Redis after the promotion', async () => {
    const options: CacheModuleOptions = { redis: { cluster: cluster.nodes }, keyPrefix };
    const [a, b] = [await bootApp(options), await bootApp(options)];
    apps.push(a, b);
    expect(a.redis.mode).toBe('cluster');

    const traffic = new Traffic([a.cache, b.cache]);
    await traffic.advance(200);
    // the master that holds the prefix's slot: with a hash tag, the whole cache
    const victim = await cluster.masterOf(`${keyPrefix}:x`);
    const killed = await cluster.killMaster(victim);
    await traffic.advance(100); // calls go on with the master gone: memory and loaders serve
    const promoted = await cluster.untilPromoted(killed);
    // they did meet the outage: Redis calls failed, and the cache absorbed every one
    const redisErrors = a.cache.stats().errors + b.cache.stats().errors;
    expect(redisErrors).toBeGreaterThan(0);
    expect(promoted.port).not.toBe(victim.port);

    // back on Redis: what one instance writes, the other reads (it is in no memory tier but a's)
    let attempt = 0;
    await waitFor(
      async () => {
        const keys = Array.from({ length: 20 }, (_, i) => `probe:${attempt}:${i}`);
        attempt++;
        await a.cache.mset(keys.map((key) => ({ key, value: key })));
        return (await b.cache.mget(keys)).every((v, i) => v === keys[i]);
      },
      { timeoutMs: 15_000, intervalMs: 100, message: 'the cache did not get back on Redis' },
    );
    expect(Number(await promoted.cli('DBSIZE'))).toBeGreaterThan(0);
    await traffic.advance(200);
    const report = await traffic.stop();
    expect(report.failures).toEqual([]);

    // nothing stale after: an invalidation now reaches both instances
    await a.cache.set('after', 'v1', { tags: ['after'] });
    expect(await b.cache.get('after')).toBe('v1');
    // (its count is what b's memory dropped: a's set message may have kept b's read out of it)
    await b.cache.invalidateTags(['after']);
    await waitFor(async () => (await a.cache.get('after')) === undefined, {
      message: 'a kept the invalidated value',
    });
  });
});
