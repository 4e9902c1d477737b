export { CacheModule } from './cache.module';
export { CACHE_OPTIONS } from './cache.constants';
export type {
  AdminOptions,
  CacheModuleOptions,
  HttpOptions,
  LockOptions,
  MemoryTierOptions,
  NamespaceOptions,
  RedisConnection,
  ResilienceOptions,
  RouteInvalidationRule,
  WarmupOptions,
} from './options/cache-options.interface';
export type { ResolvedCacheOptions } from './options/resolved-options';
export { CacheOptionsError } from './options/resolve-options';
export { CacheService, type SetOptions } from './service/cache.service';
export { RedisService, type RedisStatus } from './redis/redis.service';
export type { CircuitState } from './redis/circuit-breaker';
export { CacheEngine, type MsetEntry } from './engine/cache-engine';
export type { EntryOptions } from './engine/entry-policy';
export type { InvalidationResult, InvalidationSpec } from './engine/invalidator';
export { InvalidPatternError } from './engine/glob';
export type { StatsSnapshot, CounterSnapshot } from './stats/cache-stats';
export type { WarmupJob } from './warmup/warmup.registry';
