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

export interface RouteInvalidationRule {
  /** HTTP method(s), e.g. 'POST' or ['PUT', 'PATCH']; default: every mutation */
  method?: string | string[];
  /** path pattern in Express style: '/appointments/:id' */
  path: string;
  tags?: string[] | ((params: Record<string, string>) => string[]);
  namespaces?: string[];
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
}
