import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { CACHE_OPTIONS } from '../cache.constants';
import { CacheEngine } from '../engine/cache-engine';
import { CacheMonitor } from '../monitoring/cache-monitor.service';
import { registerMonitoringMetrics } from '../monitoring/monitoring-metrics';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { RedisService } from '../redis/redis.service';
import { WarmupRunner } from '../warmup/warmup.runner';

const NO_NAMESPACE = '(none)';
const CIRCUIT_STATES = { closed: 0, 'half-open': 1, open: 2 } as const;

type CounterField = 'hits' | 'misses' | 'staleHits' | 'loads' | 'errors' | 'invalidations';

/**
 * Prometheus exposition. A registry of its own (the application's default registry stays
 * untouched, and two apps in one process do not collide), whose metrics read the engine's plain
 * counters at scrape time through collect(): the hit path pays nothing for metrics.
 */
@Injectable()
export class CacheMetrics {
  readonly registry = new Registry();

  constructor(
    private readonly engine: CacheEngine,
    @Inject(CACHE_OPTIONS) options: ResolvedCacheOptions,
    redisService: RedisService,
    warmups: WarmupRunner,
    monitor: CacheMonitor,
  ) {
    this.registry.setDefaultLabels({ prefix: options.keyPrefix });
    this.counter('cache_hits_total', 'Lookups answered by a fresh entry', 'hits');
    this.counter('cache_misses_total', 'Lookups that called the loader', 'misses');
    this.counter(
      'cache_stale_hits_total',
      'Lookups answered by a stale entry while it refreshed',
      'staleHits',
    );
    this.counter('cache_loads_total', 'Loader calls', 'loads');
    this.counter(
      'cache_errors_total',
      'Cache errors (Redis failures, undecodable entries, failed refreshes)',
      'errors',
    );
    this.counter('cache_invalidations_total', 'Entries invalidated', 'invalidations');
    const { memory, redis } = engine;
    this.gauge('cache_memory_entries', 'Entries in the memory tier', () => memory?.size ?? 0);
    this.gauge('cache_memory_bytes', 'Bytes held by the memory tier', () => memory?.bytes ?? 0);
    this.gauge(
      'cache_circuit_state',
      'Redis circuit breaker: 0 closed, 1 half-open, 2 open',
      () => CIRCUIT_STATES[redis.circuit],
    );
    this.gauge('cache_redis_up', 'Redis usable (1) or not (0); 0 in memory-only mode', () =>
      redis.status === 'ready' ? 1 : 0,
    );
    registerMonitoringMetrics(this.registry, { engine, redis: redisService, warmups, monitor });
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** Per-namespace counter; what no namespace accounts for (e.g. Redis errors) goes to "(none)". */
  private counter(name: string, help: string, field: CounterField): void {
    const stats = this.engine.stats;
    new Counter({
      name,
      help,
      labelNames: ['namespace'],
      registers: [this.registry],
      collect() {
        this.reset();
        const namespaces = stats.namespaces();
        let attributed = 0;
        for (const [namespace, counters] of Object.entries(namespaces)) {
          if (namespace === NO_NAMESPACE) continue;
          this.inc({ namespace }, counters[field]);
          attributed += counters[field];
        }
        const rest = stats.total[field] - attributed;
        if (rest > 0 || namespaces[NO_NAMESPACE])
          this.inc({ namespace: NO_NAMESPACE }, Math.max(0, rest));
      },
    });
  }

  private gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}
