import { CacheStats } from '../stats/cache-stats';
import { summarize } from './performance-summary';

describe('summarize', () => {
  it('ranks routes by hit rate, and estimates speed-up and time saved from the p50s', () => {
    const stats = new CacheStats();
    for (let i = 0; i < 9; i++) stats.route('GET /a', 'hit');
    stats.route('GET /a', 'miss');
    stats.route('GET /b', 'hit');
    stats.route('GET /b', 'miss');
    stats.route('GET /idle', 'error');
    for (let i = 0; i < 4; i++) stats.hit('ns', 0.1);
    stats.miss('ns', 'k', 10);
    const summary = summarize(stats.total.snapshot(), stats.namespaces(), stats.routes(), 0.9);
    expect(summary.topRoutes.map((r) => r.name)).toEqual(['GET /a', 'GET /b']);
    expect(summary.bottomRoutes[0]).toEqual({ name: 'GET /b', hitRate: 0.5, lookups: 2 });
    expect(summary.speedUp).toBe(100);
    expect(summary.timeSavedMs).toBeCloseTo(4 * 9.9, 5);
    expect(summary.meetsTarget).toBe(false); // 4 hits of 5: 0.8 < 0.9
    expect(summarize(stats.total.snapshot(), {}, {}, 0.8).meetsTarget).toBe(true);
  });

  it('gives no speed-up before both hits and misses were timed', () => {
    const stats = new CacheStats();
    stats.miss('ns', 'k', 10);
    expect(summarize(stats.total.snapshot(), {}, {}, 0.8)).toMatchObject({
      speedUp: null,
      timeSavedMs: 0,
      topRoutes: [],
    });
  });
});
