import type { CounterSnapshot } from '../stats/cache-stats';

/** Below this hit rate a cache costs more than it saves: worth a look. */
export const LOW_HIT_RATE = 0.6;
const MIN_LOOKUPS = 50;
const HIGH_FRAGMENTATION = 1.5;
const SLOW_MISS_MS = 1_000;

export interface RecommendationInput {
  overall?: CounterSnapshot;
  namespaces?: Record<string, CounterSnapshot>;
  /** parsed Redis INFO, when Redis answered */
  info?: Record<string, string>;
  redisConfigured?: boolean;
  redisUsable?: boolean;
  circuit?: string;
  memoryTier?: { entries: number; bytes: number; maxEntries: number; maxBytes: number } | null;
  slowestMisses?: { key: string; ms: number }[];
}

/** Plain-language advice from what the cache and Redis report; each rule is one line. */
export function recommendations(input: RecommendationInput): string[] {
  const out: string[] = [];
  const { overall, info } = input;
  if (overall && lookups(overall) >= MIN_LOOKUPS && overall.hitRate < LOW_HIT_RATE) {
    out.push(
      `overall hit rate is ${pct(overall.hitRate)} (under ${pct(LOW_HIT_RATE)}): check TTLs and keys that vary too much`,
    );
  }
  for (const [name, ns] of Object.entries(input.namespaces ?? {})) {
    if (lookups(ns) >= MIN_LOOKUPS && ns.hitRate < LOW_HIT_RATE) {
      out.push(
        `namespace "${name}" hit rate is ${pct(ns.hitRate)}: raise its TTL, warm it, or stop caching it`,
      );
    }
  }
  if (overall && overall.errors > 0)
    out.push(`${overall.errors} cache errors since start: see the logs`);
  if (input.redisConfigured && input.redisUsable === false) {
    out.push(
      'Redis is configured but not usable: the cache serves from memory only; check the connection',
    );
  }
  if (input.circuit === 'open')
    out.push('the Redis circuit breaker is open: Redis calls are skipped for now');
  if (info) {
    const evicted = Number(info.evicted_keys ?? 0);
    if (evicted > 0)
      out.push(
        `Redis evicted ${evicted} keys (index sets and markers too, which invalidation relies on): raise maxmemory or shorten TTLs`,
      );
    const fragmentation = Number(info.mem_fragmentation_ratio ?? 0);
    if (fragmentation > HIGH_FRAGMENTATION) {
      out.push(
        `Redis memory fragmentation is ${fragmentation}: enable activedefrag or restart Redis at a quiet time`,
      );
    }
    if (info.maxmemory === '0')
      out.push(
        'Redis has no maxmemory: set one, with volatile-ttl or volatile-lru (docs/DEPLOYMENT.md)',
      );
    else if (info.maxmemory_policy === 'noeviction') {
      out.push(
        'Redis maxmemory-policy is noeviction: writes fail when full; use volatile-ttl or volatile-lru (allkeys-* may evict the invalidation ledger)',
      );
    }
  }
  const tier = input.memoryTier;
  if (tier && (tier.entries >= tier.maxEntries * 0.9 || tier.bytes >= tier.maxBytes * 0.9)) {
    out.push(
      'the memory tier is at 90% of its bounds: raise memory.maxEntries / memory.maxBytes if memory allows',
    );
  }
  const slowest = input.slowestMisses?.[0];
  if (slowest && slowest.ms >= SLOW_MISS_MS) {
    out.push(
      `the slowest miss ("${slowest.key}") took ${Math.round(slowest.ms)} ms: consider @WarmUp or staleWhileRevalidate`,
    );
  }
  return out;
}

function lookups(c: CounterSnapshot): number {
  return c.hits + c.staleHits + c.misses;
}

function pct(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}
