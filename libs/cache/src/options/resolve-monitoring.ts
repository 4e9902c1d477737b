import type { MonitoringOptions } from './cache-options.interface';
import { envNumber, positiveInt } from './option-validators';
import { CacheOptionsError } from '../errors';

/** `monitoring` with defaults; fractions are checked to lie in 0-1, counts and times to be positive. */
export function resolveMonitoring(
  raw: MonitoringOptions | undefined,
  env: Record<string, string | undefined>,
): Required<MonitoringOptions> {
  const m = raw ?? {};
  const target = m.hitRateTarget ?? envNumber(env, 'CACHE_HIT_RATE_TARGET') ?? 0.8;
  return {
    hitRateTarget: fraction(
      m.hitRateTarget === undefined ? 'CACHE_HIT_RATE_TARGET' : 'monitoring.hitRateTarget',
      target,
    ),
    alerts: m.alerts ?? true,
    intervalMs: positiveInt('monitoring.intervalMs', m.intervalMs ?? 15_000),
    windowMs: positiveInt('monitoring.windowMs', m.windowMs ?? 300_000),
    minRequests: positiveInt('monitoring.minRequests', m.minRequests ?? 100),
    maxEvictionsPerMinute: positiveInt(
      'monitoring.maxEvictionsPerMinute',
      m.maxEvictionsPerMinute ?? 1_000,
    ),
    redisMemoryRatio: fraction('monitoring.redisMemoryRatio', m.redisMemoryRatio ?? 0.9),
    loaderErrorRate: fraction('monitoring.loaderErrorRate', m.loaderErrorRate ?? 0.05),
    resolveAfterMs: nonNegativeInt('monitoring.resolveAfterMs', m.resolveAfterMs ?? 60_000),
    hitEventSampleRate: fraction('monitoring.hitEventSampleRate', m.hitEventSampleRate ?? 0),
    logEvents: m.logEvents ?? false,
  };
}

function fraction(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new CacheOptionsError(option, 'expected a fraction from 0 to 1', value);
  }
  return value;
}

function nonNegativeInt(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new CacheOptionsError(option, 'expected an integer >= 0', value);
  }
  return value;
}
