import { Inject, Injectable } from '@nestjs/common';
import { CACHE_OPTIONS } from '../cache.constants';
import { CacheEngine } from '../engine/cache-engine';
import { UNAVAILABLE } from '../engine/redis-tier';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { RedisService } from '../redis/redis.service';
import { recommendations } from './recommendations';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  backend: 'redis' | 'memory';
  redis?: { version: string; usedMemory: number; connectedClients: number; latencyMs: number };
  hitRate: number;
}

interface Probe {
  usable: boolean;
  latencyMs?: number;
  info?: Record<string, string>;
  error?: string;
}

/** GET health is public and polled by load balancers: one Redis probe per second at most. */
const PROBE_TTL_MS = 1_000;
/** detailed key counts walk the keyspace with SCAN: bounded so the endpoint stays quick */
const MAX_COUNTED_KEYS = 200_000;
const NO_NAMESPACE = '(none)';

@Injectable()
export class CacheHealthService {
  private probed: { at: number; probe: Promise<Probe> } | undefined;

  constructor(
    @Inject(CACHE_OPTIONS) private readonly options: ResolvedCacheOptions,
    private readonly redis: RedisService,
    private readonly engine: CacheEngine,
  ) {}

  async health(): Promise<HealthReport> {
    return this.report(await this.probe());
  }

  async detailed(): Promise<Record<string, unknown>> {
    const probe = await this.probe();
    const info = probe.info;
    const stats = this.engine.stats;
    const memoryTier = this.memoryTier();
    const detailed: Record<string, unknown> = {
      ...this.report(probe),
      mode: this.redis.mode === 'disabled' ? 'memory-only' : this.redis.mode,
      circuit: { state: this.redis.circuit, opened: this.redis.breaker.opened },
      memoryTier,
      keys: await this.keyCounts(probe.usable),
      ttl: this.ttls(),
    };
    if (probe.error) detailed.redisError = probe.error;
    if (info) {
      const hits = num(info.keyspace_hits);
      const misses = num(info.keyspace_misses);
      detailed.memory = {
        used: num(info.used_memory),
        peak: num(info.used_memory_peak),
        fragmentation: num(info.mem_fragmentation_ratio),
        maxmemory: num(info.maxmemory),
        policy: info.maxmemory_policy,
        evictedKeys: num(info.evicted_keys),
      };
      detailed.connections = {
        connectedClients: num(info.connected_clients),
        blockedClients: num(info.blocked_clients),
        rejectedConnections: num(info.rejected_connections),
      };
      detailed.keyspace = {
        hits,
        misses,
        hitRate: hits + misses === 0 ? 0 : round(hits / (hits + misses)),
      };
    }
    detailed.recommendations = recommendations({
      overall: stats.total.snapshot(),
      namespaces: stats.namespaces(),
      info,
      redisConfigured: this.redis.client !== null,
      redisUsable: probe.usable,
      circuit: this.redis.circuit,
      memoryTier,
      slowestMisses: stats.slowestMisses(),
    });
    return detailed;
  }

  private report(probe: Probe): HealthReport {
    const hitRate = this.engine.stats.total.snapshot().hitRate;
    const memory = this.engine.memory !== null;
    if (this.redis.client === null)
      return { status: memory ? 'ok' : 'down', backend: 'memory', hitRate };
    if (!probe.usable) {
      return memory
        ? { status: 'degraded', backend: 'memory', hitRate }
        : { status: 'down', backend: 'redis', hitRate };
    }
    const info = probe.info ?? {};
    return {
      status: 'ok',
      backend: 'redis',
      redis: {
        version: info.redis_version ?? 'unknown',
        usedMemory: num(info.used_memory),
        connectedClients: num(info.connected_clients),
        latencyMs: round(probe.latencyMs ?? 0),
      },
      hitRate,
    };
  }

  private probe(): Promise<Probe> {
    const now = Date.now();
    if (!this.probed || now - this.probed.at >= PROBE_TTL_MS) {
      this.probed = { at: now, probe: this.runProbe() };
    }
    return this.probed.probe;
  }

  private async runProbe(): Promise<Probe> {
    if (this.redis.client === null) return { usable: false };
    if (this.redis.status !== 'ready')
      return { usable: false, error: this.redis.lastErrorMessage ?? this.redis.status };
    try {
      const latencyMs = await this.redis.ping();
      return { usable: true, latencyMs, info: await this.redis.info() };
    } catch (err) {
      return { usable: false, error: (err as Error).message };
    }
  }

  private memoryTier() {
    const { memory } = this.engine;
    const limits = this.options.memory;
    if (!memory || !limits) return null;
    return {
      entries: memory.size,
      bytes: memory.bytes,
      maxEntries: limits.maxEntries,
      maxBytes: limits.maxBytes,
    };
  }

  /** Configured TTLs in seconds, so that operators see them next to the key counts. */
  private ttls(): { default: number; byNamespace: Record<string, number> } {
    const { defaultTtl, namespaces } = this.options;
    const byNamespace = Object.fromEntries(
      Object.entries(namespaces).map(([name, ns]) => [name, ns.ttl ?? defaultTtl]),
    );
    return { default: defaultTtl, byNamespace };
  }

  /** Keys per namespace (the key's first segment, as @Cached writes them), from Redis or memory. */
  private async keyCounts(redisUsable: boolean): Promise<Record<string, unknown>> {
    const byNamespace: Record<string, number> = {};
    const count = (key: string) => {
      const ns =
        this.engine.policy.namespaceOf(key, undefined) ?? firstSegment(key) ?? NO_NAMESPACE;
      byNamespace[ns] = (byNamespace[ns] ?? 0) + 1;
    };
    if (redisUsable) {
      let cursor = '0:0';
      let total = 0;
      do {
        const page = await this.engine.reader.page('*', cursor, 1_000);
        if (page === UNAVAILABLE)
          return { source: 'redis', error: 'Redis became unavailable while counting' };
        page.keys.forEach(count);
        total += page.keys.length;
        cursor = page.cursor;
      } while (cursor !== '0' && total < MAX_COUNTED_KEYS);
      return { source: 'redis', total, byNamespace, truncated: cursor !== '0' };
    }
    const memory = this.engine.memory;
    if (!memory) return { source: 'none', total: 0, byNamespace };
    for (const key of memory.keys()) count(key);
    return { source: 'memory', total: memory.size, byNamespace, truncated: false };
  }
}

function firstSegment(key: string): string | undefined {
  const colon = key.indexOf(':');
  return colon > 0 ? key.slice(0, colon) : undefined;
}

function num(value: string | undefined): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
