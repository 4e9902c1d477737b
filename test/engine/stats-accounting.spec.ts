import { bootCache, type CacheApp } from './boot-cache';

/** What stats() reports is fed by every entry point. */
describe('stats accounting', () => {
  let t: CacheApp;

  beforeEach(async () => {
    t = await bootCache({ redis: null, admin: false });
  });

  afterEach(() => t.close());

  it('samples getOrSet hits, not only the HTTP path', async () => {
    await t.cache.set('k', 1);
    for (let i = 0; i < 160; i++) await t.cache.getOrSet('k', async () => 2);
    const { hits, latencyMs } = t.cache.stats();
    expect(hits).toBe(160);
    expect(latencyMs.hit.samples).toBeGreaterThanOrEqual(9);
    expect(latencyMs.hit.samples).toBeLessThanOrEqual(11);
  });

  it('counts a namespace invalidation for that namespace and overall', async () => {
    await t.cache.set('a', 1, { namespace: 'orders' });
    await t.cache.set('b', 2, { namespace: 'orders' });
    await t.cache.set('c', 3, { namespace: 'users' });
    expect(await t.cache.invalidateNamespace('orders')).toBe(2);
    const { invalidations, namespaces } = t.cache.stats();
    expect(invalidations).toBe(2);
    expect(namespaces.orders.invalidations).toBe(2);
    expect(namespaces.users?.invalidations ?? 0).toBe(0);
  });
});
