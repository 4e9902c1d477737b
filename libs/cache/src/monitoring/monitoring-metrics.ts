import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CacheEngine } from '../engine/cache-engine';
import type { RedisService } from '../redis/redis.service';
import type { CounterSnapshot } from '../stats/cache-stats';
import type { WarmupRunner } from '../warmup/warmup.runner';
import { ALERTS } from './alert-rules';
import type { CacheMonitor } from './cache-monitor.service';

/** 10 µs to 5 s: a memory hit lands in the first buckets, a slow loader in the last */
const LATENCY_BUCKETS = [1e-5, 5e-5, 1e-4, 5e-4, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];
const WARMUP_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60];

export interface MonitoringSources {
  engine: CacheEngine;
  redis: RedisService;
  warmups: WarmupRunner;
  monitor: CacheMonitor;
}

/**
 * The metrics a dashboard is built on, beside the counters CacheMetrics had first: requests by
 * result per namespace and per route, latency histograms (in seconds; hits sampled 1 in 16, see
 * CacheStats), memory-tier evictions, Redis memory, invalidations by kind, warmups, alerts.
 */
export function registerMonitoringMetrics(registry: Registry, s: MonitoringSources): void {
  const stats = s.engine.stats;
  const registers = [registry];
  requestsByResult(registry, 'cache_requests_total', 'namespace', () => stats.namespaces());
  requestsByResult(registry, 'cache_route_requests_total', 'route', () => stats.routes());

  const lookup = new Histogram({
    name: 'cache_lookup_duration_seconds',
    help: 'Lookup latency by namespace and outcome (hits sampled 1 in 16)',
    labelNames: ['namespace', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const route = new Histogram({
    name: 'cache_route_duration_seconds',
    help: 'Time the cache took to answer a cached route, by route and outcome (hits sampled 1 in 16)',
    labelNames: ['route', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  stats.latencySink = (scope, name, outcome, ms) =>
    scope === 'route'
      ? route.observe({ route: name, outcome }, ms / 1000)
      : lookup.observe({ namespace: name, outcome }, ms / 1000);

  const memory = s.engine.memory;
  new Counter({
    name: 'cache_memory_evictions_total',
    help: 'Entries the memory tier evicted to stay within its limits',
    registers,
    collect() {
      this.reset();
      this.inc(memory?.evictions ?? 0);
    },
  });
  new Counter({
    name: 'cache_invalidation_requests_total',
    help: 'Invalidation calls by kind (keys, tags, namespaces, patterns, all)',
    labelNames: ['kind'],
    registers,
    collect() {
      this.reset();
      for (const [kind, count] of Object.entries(stats.invalidationsByKind))
        this.inc({ kind }, count);
    },
  });
  new Counter({
    name: 'cache_loader_errors_total',
    help: 'Loader calls that threw',
    registers,
    collect() {
      this.reset();
      this.inc(stats.total.loadErrors);
    },
  });
  redisMemory(registry, s.redis);

  const runs = new Counter({
    name: 'cache_warmup_runs_total',
    help: 'Warmup job runs by result',
    labelNames: ['result'],
    registers,
  });
  runs.inc({ result: 'ok' }, 0);
  runs.inc({ result: 'failed' }, 0);
  const warmupDuration = new Histogram({
    name: 'cache_warmup_duration_seconds',
    help: 'Warmup job duration',
    buckets: WARMUP_BUCKETS,
    registers,
  });
  s.warmups.finished.subscribe((job) => {
    runs.inc({ result: job.ok ? 'ok' : 'failed' });
    warmupDuration.observe(job.durationMs / 1000);
  });

  const monitor = s.monitor;
  new Gauge({
    name: 'cache_alert_active',
    help: 'In-process alert active (1) or not (0)',
    labelNames: ['alert'],
    registers,
    collect() {
      for (const alert of ALERTS) this.set({ alert }, monitor.isActive(alert) ? 1 : 0);
    },
  });
}

const RESULTS = { hit: 'hits', stale: 'staleHits', miss: 'misses', error: 'errors' } as const;

function requestsByResult(
  registry: Registry,
  name: string,
  label: 'namespace' | 'route',
  read: () => Record<string, CounterSnapshot>,
): void {
  new Counter({
    name,
    help: `Cache lookups by ${label} and result (hit, stale, miss, error)`,
    labelNames: [label, 'result'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [value, c] of Object.entries(read())) {
        for (const [result, field] of Object.entries(RESULTS)) {
          this.inc({ [label]: value, result }, c[field]);
        }
      }
    },
  });
}

/** INFO is read once per scrape for all of these gauges (scrapes collect them concurrently). */
const INFO_REUSE_MS = 500;

/** Read from INFO when scraped; absent while Redis is down (cache_redis_up says so). */
function redisMemory(registry: Registry, redis: RedisService): void {
  let last: { at: number; info: Promise<Record<string, string> | undefined> } | undefined;
  const info = () => {
    if (!last || Date.now() - last.at > INFO_REUSE_MS) {
      const read =
        redis.client === null || redis.status !== 'ready'
          ? Promise.resolve(undefined)
          : redis.info().catch(() => undefined);
      last = { at: Date.now(), info: read };
    }
    return last.info;
  };
  const gauge = (name: string, help: string, field: string) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.reset();
        const value = (await info())?.[field];
        if (value !== undefined) this.set(Number(value));
      },
    });
  new Gauge({
    name: 'cache_redis_configured',
    help: 'Redis configured (1) or memory-only mode (0): cache_redis_up is 0 in both when not usable',
    registers: [registry],
    collect() {
      this.set(redis.client === null ? 0 : 1);
    },
  });
  gauge('cache_redis_used_memory_bytes', 'Redis used_memory', 'used_memory');
  gauge('cache_redis_maxmemory_bytes', 'Redis maxmemory (0: no limit)', 'maxmemory');
  new Counter({
    name: 'cache_redis_evicted_keys_total',
    help: 'Keys Redis evicted for maxmemory since it started (evicted_keys; resets with Redis)',
    registers: [registry],
    async collect() {
      this.reset();
      const value = (await info())?.evicted_keys;
      if (value !== undefined) this.inc(Number(value));
    },
  });
}
