import { resolveOptions } from './resolve-options';

describe('monitoring options', () => {
  it('defaults: target 0.8, alerts every 15 s, no hit events, no event log', () => {
    expect(resolveOptions({}, {}).monitoring).toEqual({
      hitRateTarget: 0.8,
      alerts: true,
      intervalMs: 15_000,
      windowMs: 300_000,
      minRequests: 100,
      maxEvictionsPerMinute: 1_000,
      redisMemoryRatio: 0.9,
      loaderErrorRate: 0.05,
      resolveAfterMs: 60_000,
      hitEventSampleRate: 0,
      logEvents: false,
    });
  });

  it('reads CACHE_HIT_RATE_TARGET; the option wins over it', () => {
    expect(resolveOptions({}, { CACHE_HIT_RATE_TARGET: '0.95' }).monitoring.hitRateTarget).toBe(
      0.95,
    );
    const both = resolveOptions(
      { monitoring: { hitRateTarget: 0.5 } },
      { CACHE_HIT_RATE_TARGET: '0.95' },
    );
    expect(both.monitoring.hitRateTarget).toBe(0.5);
  });

  it.each([
    [{ hitRateTarget: 80 }, 'monitoring.hitRateTarget'],
    [{ hitRateTarget: -0.1 }, 'monitoring.hitRateTarget'],
    [{ redisMemoryRatio: 1.5 }, 'monitoring.redisMemoryRatio'],
    [{ loaderErrorRate: Number.NaN }, 'monitoring.loaderErrorRate'],
    [{ hitEventSampleRate: 2 }, 'monitoring.hitEventSampleRate'],
    [{ intervalMs: 0 }, 'monitoring.intervalMs'],
    [{ windowMs: 1.5 }, 'monitoring.windowMs'],
    [{ minRequests: -1 }, 'monitoring.minRequests'],
    [{ maxEvictionsPerMinute: 0 }, 'monitoring.maxEvictionsPerMinute'],
    [{ resolveAfterMs: -5 }, 'monitoring.resolveAfterMs'],
  ])('refuses %j at bootstrap, naming %s', (monitoring, option) => {
    expect(() => resolveOptions({ monitoring }, {})).toThrow(`Invalid cache option "${option}"`);
  });

  it('names the environment variable when it is the bad value', () => {
    expect(() => resolveOptions({}, { CACHE_HIT_RATE_TARGET: 'high' })).toThrow(
      'Invalid cache option "CACHE_HIT_RATE_TARGET"',
    );
    expect(() => resolveOptions({}, { CACHE_HIT_RATE_TARGET: '80' })).toThrow(
      'Invalid cache option "CACHE_HIT_RATE_TARGET": expected a fraction from 0 to 1',
    );
  });
});
