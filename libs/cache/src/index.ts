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
export { CacheError, UncacheableValueError } from './errors';
export type { ValueOptions, ValueSerializer } from './values/value-format';
export { CacheService, type SetOptions } from './service/cache.service';
export { RedisService, type RedisStatus } from './redis/redis.service';
export type { CircuitState } from './redis/circuit-breaker';
export { CacheEngine, type MsetEntry } from './engine/cache-engine';
export type { EntryOptions, EntryOptionsArg } from './engine/entry-policy';
export type { InvalidationResult, InvalidationSpec } from './engine/invalidator';
export { InvalidPatternError } from './engine/glob';
export type { StatsSnapshot, CounterSnapshot } from './stats/cache-stats';
export type { WarmupJob } from './warmup/warmup.registry';
export { WarmUp, type WarmUpSpec } from './warmup/warm-up.decorator';
export { WarmupRunner, type WarmupResult, type WarmupJobResult } from './warmup/warmup.runner';
export { UnknownWarmupJobError } from './warmup/warmup.errors';
export type { HealthReport } from './admin/cache-health.service';
export { Cached, type CachedOptions } from './decorators/cached.decorator';
export {
  InvalidateOn,
  type InvalidateOnSpec,
  type InvalidationNames,
} from './decorators/invalidate-on.decorator';
export { CacheDecoratorError } from './decorators/cache-decorator.error';
export { CachePlanRegistry, type RoutePlan } from './decorators/cache-plan.registry';
export type { CachedPlan } from './decorators/cached-plan';
export { CacheInterceptor } from './interceptor/cache.interceptor';
export type { RouteVary } from './keys/route-key';
