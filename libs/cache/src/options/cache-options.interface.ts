import type { CanActivate, Type } from '@nestjs/common';
import type { ValueSerializer } from '../values/value-format';
import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';

/** How to reach Redis: a URL, ioredis options (Sentinel included), a Cluster, or a client you own. */
export type RedisConnection =
  | string
  | RedisOptions
  | { cluster: ClusterNode[]; options?: ClusterOptions }
  | { client: Redis | Cluster };

export interface NamespaceOptions {
  /** seconds */
  ttl?: number;
  /** seconds after expiry during which the old value is served while one refresh runs */
  staleWhileRevalidate?: number;
  /** seconds after expiry during which the old value is served if the loader fails */
  grace?: number;
}

export interface MemoryTierOptions {
  maxEntries?: number;
  maxBytes?: number;
  /** upper bound, in seconds, for how long an entry lives in memory */
  ttl?: number;
}

export interface AdminOptions {
  path?: string;
  token?: string;
  guard?: Type<CanActivate>;
  /** the web dashboard at `<path>/dashboard`; default true */
  dashboard?: boolean;
}

export interface WarmupOptions {
  onStartup?: boolean;
  cron?: string;
  /** how long application start waits for startup warming before it carries on in the background */
  startupTimeoutMs?: number;
}

export interface HttpOptions {
  headers?: boolean;
  etag?: boolean;
  userId?: (req: unknown) => string | undefined;
}

export interface ResilienceOptions {
  /** a Redis command that has not answered by then fails (and the call falls back) */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** consecutive Redis failures that open the circuit */
  breakerThreshold?: number;
  /** how long the circuit stays open before one probe is let through */
  breakerDurationMs?: number;
  /** longest pause between reconnection attempts */
  maxReconnectDelayMs?: number;
}

export interface LockOptions {
  /** cross-instance stampede protection through a short Redis lock */
  enabled?: boolean;
  /** how long the lock is held at most (its holder may die) */
  ttlMs?: number;
  /** how long other callers wait for the holder's value before loading themselves */
  waitMs?: number;
}

export interface ReaperOptions {
  /**
   * delete the entries that tag, namespace and clear() invalidations made unreadable, in the
   * background, rather than leave them to their TTL (default true)
   */
  enabled?: boolean;
  /** data keys looked at per SCAN step (default 500) */
  batchSize?: number;
  /** pause between steps, ms: the pace (default 10) */
  pauseMs?: number;
}

export interface RouteInvalidationRule {
  /** HTTP method(s), e.g. 'POST' or ['PUT', 'PATCH']; default: every mutation */
  method?: string | string[];
  /** path pattern in Express style: '/appointments/:id' */
  path: string;
  tags?: string[] | ((params: Record<string, string>) => string[]);
  namespaces?: string[];
}

/** The in-process monitor (alerts) and the event stream; see the README's "Monitoring". */
export interface MonitoringOptions {
  /** hit rate (a fraction 0-1) below which the hit-rate alert fires; env CACHE_HIT_RATE_TARGET */
  hitRateTarget?: number;
  /** false: no alert evaluation (the event stream and metrics stay) */
  alerts?: boolean;
  /** how often alerts are evaluated */
  intervalMs?: number;
  /** the window over which rates (hit rate, evictions, loader errors) are computed */
  windowMs?: number;
  /** fewer lookups than this in the window: the hit rate is not judged */
  minRequests?: number;
  /** memory-tier evictions per minute above which the eviction alert fires */
  maxEvictionsPerMinute?: number;
  /** share of Redis maxmemory (0-1) above which the Redis-memory alert fires */
  redisMemoryRatio?: number;
  /** share of loader calls (0-1) that threw above which the loader alert fires */
  loaderErrorRate?: number;
  /** an active alert resolves only after its condition stayed clear this long (no flapping) */
  resolveAfterMs?: number;
  /** share of hits (0-1) emitted on events$; 0 (default) keeps the hit path free of events */
  hitEventSampleRate?: number;
  /** debug log lines HIT / MISS / STALE / INVALIDATE / LOAD-ERROR from the event stream */
  logEvents?: boolean;
}

export interface CacheModuleOptions {
  redis?: RedisConnection | null;
  keyPrefix?: string;
  /** seconds */
  defaultTtl?: number;
  namespaces?: Record<string, NamespaceOptions>;
  memory?: MemoryTierOptions | false;
  enabled?: boolean;
  admin?: AdminOptions | false;
  warmup?: WarmupOptions;
  http?: HttpOptions;
  resilience?: ResilienceOptions;
  lock?: LockOptions;
  /** the background deletion of lazily invalidated entries (docs/ARCHITECTURE.md) */
  reaper?: ReaperOptions;
  /** default grace period, seconds */
  grace?: number;
  /** compress payloads larger than this many bytes; false turns compression off */
  compressThreshold?: number | false;
  /** values whose encoded size is above this many bytes are not cached (env CACHE_MAX_VALUE_BYTES); false: no limit. Default 1 MiB */
  maxValueBytes?: number | false;
  /** a format of your own for every cached value (a `@Cached` / `getOrSet` one overrides it) */
  serializer?: ValueSerializer;
  /** mutation routes (method + path) and what they invalidate when they succeed */
  invalidationRules?: RouteInvalidationRule[];
  monitoring?: MonitoringOptions;
}
