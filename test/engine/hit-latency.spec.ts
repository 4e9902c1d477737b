import { bootCache, type CacheApp } from './boot-cache';

/** Hits through every entry point feed the hit-latency percentiles (sampled, 1 call in 16). */
describe('hit latency sampling', () => {
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
});
