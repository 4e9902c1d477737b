import type { CacheModuleOptions } from '@app/cache';
import { RedisSentinelGroup } from '../support/redis-sentinel';
import { waitFor } from '../support/wait-for';
import { bootApp, Traffic, type OpsApp } from './ops-app';

jest.setTimeout(90_000);

/** The port of the server a client is connected to right now (INFO server of that connection). */
async function connectedPort(instance: OpsApp): Promise<number | undefined> {
  try {
    return Number((await instance.redis.info('server')).tcp_port);
  } catch {
    return undefined; // reconnecting
  }
}

/** SENTINEL FAILOVER on a real master + replica + 3 sentinels, with two app instances busy. */
describe('Sentinel failover under traffic', () => {
  let group: RedisSentinelGroup;
  const apps: OpsApp[] = [];

  beforeAll(async () => {
    group = await RedisSentinelGroup.start({ name: 'opsmaster', replicas: 1, sentinels: 3 });
  });

  afterAll(async () => {
    await Promise.all(apps.map(({ app }) => app.close()));
    await group?.shutdown();
  });

  it('loses no call, follows the new master and serves nothing stale after', async () => {
    const options: CacheModuleOptions = {
      redis: { sentinels: group.sentinels, name: group.name },
      keyPrefix: 'ops-sentinel',
    };
    const [a, b] = [await bootApp(options), await bootApp(options)];
    apps.push(a, b);
    expect(a.redis.mode).toBe('sentinel');
    const oldMaster = await group.master();
    expect(await connectedPort(a)).toBe(oldMaster.port);

    const traffic = new Traffic([a.cache, b.cache]);
    await traffic.advance(200);
    const newMaster = await group.failover();
    expect(newMaster.port).not.toBe(oldMaster.port);
    await group.settle();
    for (const instance of [a, b]) {
      await waitFor(async () => (await connectedPort(instance)) === newMaster.port, {
        timeoutMs: 5_000,
        intervalMs: 50,
        message: () =>
          `an instance is still on :${oldMaster.port} (status ${instance.redis.status})`,
      });
    }
    await waitFor(() => a.redis.status === 'ready' && b.redis.status === 'ready', {
      message: 'circuit did not close after the failover',
    });
    await traffic.advance(200); // traffic keeps flowing on the new master
    const report = await traffic.stop();
    expect(report.failures).toEqual([]);

    // every key the traffic touched, invalidated after the failover, is gone from both instances,
    // and a value written then is the one both read
    const keys = Array.from({ length: 16 }, (_, i) => `traffic:${i}`);
    await a.cache.delete(...keys);
    expect(await a.cache.mget(keys)).toEqual(keys.map(() => undefined));
    // the other instance hears of it on the bus, through the new master
    await waitFor(async () => (await b.cache.mget(keys)).every((v) => v === undefined), {
      message: 'b still serves a deleted key',
    });
    await b.cache.mset(keys.map((key) => ({ key, value: `final:${key}` })));
    await waitFor(
      async () => (await a.cache.mget(keys)).every((v, i) => v === `final:${keys[i]}`),
      { message: 'a does not read what b wrote' },
    );

    // writes and invalidations after the failover reach the other instance, through the new master
    await a.cache.set('after', 'v1', { tags: ['after'] });
    expect(await b.cache.get('after')).toBe('v1'); // b's memory holds it now
    await a.cache.set('after', 'v2', { tags: ['after'] });
    await waitFor(async () => (await b.cache.get('after')) === 'v2', { message: 'b kept v1' });
    // (its count is what b's memory dropped: b may have just emptied it on resubscribing)
    await b.cache.invalidateTags(['after']);
    expect(await b.cache.get('after')).toBeUndefined();
    await waitFor(async () => (await a.cache.get('after')) === undefined, {
      message: 'a kept the invalidated value',
    });
    // the new master holds the cache: a key written now is there, not on the demoted one
    await a.cache.set('placed', 1);
    expect(Number(await newMaster.cli('DBSIZE'))).toBeGreaterThan(0);
    expect(await oldMaster.cli('ROLE')).toMatch(/^slave/);
  });

  it('an invalidation made while the old master is still up is not lost', async () => {
    // Sentinel demotes the old master seconds after it names the new one; a client still on it
    // would write there, and the write would vanish when it resyncs (issue 11: a stale read)
    const [a, b] = apps; // booted by the test above, now on the first failover's master
    await a.cache.set('window', 'before', { tags: ['window'] });
    expect(await b.cache.get('window')).toBe('before');
    const oldMaster = await group.master();
    await group.untilReplicated(oldMaster);
    const newMaster = await group.failover();
    const invalidated = await a.cache.invalidateTags(['window']);
    await group.settle();
    for (const instance of [a, b]) {
      await waitFor(async () => (await connectedPort(instance)) === newMaster.port, {
        message: 'an instance did not follow the second failover',
      });
    }
    expect(await b.cache.get('window')).toBeUndefined();
    expect(await a.cache.get('window')).toBeUndefined();
    expect(invalidated).toBeLessThanOrEqual(1); // 0 when Redis was unreachable and it was queued
  });
});
