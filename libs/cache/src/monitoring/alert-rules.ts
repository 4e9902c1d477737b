import type { MonitoringOptions } from '../options/cache-options.interface';

export const ALERTS = [
  'hit-rate-low',
  'redis-down',
  'memory-evictions',
  'redis-memory',
  'loader-errors',
] as const;
export type AlertName = (typeof ALERTS)[number];

/** What one evaluation saw over the window (counter deltas) and right now (states). */
export interface Observation {
  windowMs: number;
  lookups: number;
  served: number;
  loads: number;
  loadErrors: number;
  evictions: number;
  /** undefined in memory-only mode */
  redis?: { usable: boolean; circuit: string; usedMemory?: number; maxMemory?: number };
}

/** firing undefined: not enough data to judge, so an alert neither raises nor starts resolving. */
export interface Reading {
  alert: AlertName;
  firing: boolean | undefined;
  value: number;
  threshold: number;
  message: string;
}

/** fewer loader calls than this in the window: its error rate says nothing yet */
const MIN_LOADS = 10;

type Thresholds = Required<MonitoringOptions>;

/** The alert conditions, pure: the monitor feeds them observations and keeps the state. */
export function assess(o: Observation, t: Thresholds): Reading[] {
  const hitRate = o.lookups === 0 ? 0 : round(o.served / o.lookups);
  const perMinute = o.windowMs > 0 ? round((o.evictions * 60_000) / o.windowMs) : 0;
  const errorRate = o.loads === 0 ? 0 : round(o.loadErrors / o.loads);
  const readings: Reading[] = [
    {
      alert: 'hit-rate-low',
      firing: o.lookups < t.minRequests ? undefined : hitRate < t.hitRateTarget,
      value: hitRate,
      threshold: t.hitRateTarget,
      message: `hit rate ${hitRate} over ${o.lookups} lookups is below the target ${t.hitRateTarget}`,
    },
    {
      alert: 'memory-evictions',
      firing: perMinute > t.maxEvictionsPerMinute,
      value: perMinute,
      threshold: t.maxEvictionsPerMinute,
      message: `memory tier evicts ${perMinute} entries a minute (limit ${t.maxEvictionsPerMinute}): it is too small`,
    },
    {
      alert: 'loader-errors',
      firing: o.loads < MIN_LOADS ? undefined : errorRate > t.loaderErrorRate,
      value: errorRate,
      threshold: t.loaderErrorRate,
      message: `${o.loadErrors} of ${o.loads} loader calls failed (rate ${errorRate}, limit ${t.loaderErrorRate})`,
    },
  ];
  const redis = o.redis;
  if (!redis) return readings;
  const down = !redis.usable || redis.circuit === 'open';
  readings.push({
    alert: 'redis-down',
    firing: down,
    value: down ? 1 : 0,
    threshold: 1,
    message: `Redis is not usable (circuit ${redis.circuit}): serving from memory and loaders`,
  });
  const { usedMemory, maxMemory } = redis;
  // no INFO (Redis down): nothing to judge; maxmemory 0: no limit to come near
  const ratio =
    usedMemory === undefined ? undefined : maxMemory ? round(usedMemory / maxMemory) : 0;
  readings.push({
    alert: 'redis-memory',
    firing: ratio === undefined ? undefined : ratio > t.redisMemoryRatio,
    value: ratio ?? 0,
    threshold: t.redisMemoryRatio,
    message: `Redis uses ${usedMemory} of ${maxMemory} bytes of maxmemory (ratio ${ratio}, limit ${t.redisMemoryRatio})`,
  });
  return readings;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
