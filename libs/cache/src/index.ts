export { CacheModule } from './cache.module';
export {
  CacheDecoratorError,
  CacheError,
  CacheOptionsError,
  InvalidPatternError,
  KeyTemplateError,
  RedisNotConfiguredError,
  SerializationError,
  UncacheableValueError,
  UnknownWarmupJobError,
  WarmupJobError,
  WarmupRunError,
} from './errors';
export type {
  AdminOptions,
  CacheModuleOptions,
  HttpOptions,
  LockOptions,
  MemoryTierOptions,
  MonitoringOptions,
  NamespaceOptions,
  RedisConnection,
  ResilienceOptions,
  RouteInvalidationRule,
  WarmupOptions,
} from './options/cache-options.interface';
export type { ResolvedCacheOptions } from './options/resolved-options';
export type { ValueOptions, ValueSerializer } from './values/value-format';
export { CacheService, type SetOptions } from './service/cache.service';
export { RedisService, type RedisStatus } from './redis/redis.service';
export type { CircuitState } from './redis/circuit-breaker';
export type { MsetEntry } from './engine/writer';
export type { EntryOptions, EntryOptionsArg } from './engine/entry-policy';
export type { InvalidationResult, InvalidationSpec } from './engine/invalidator';
export type { StatsSnapshot, CounterSnapshot } from './stats/cache-stats';
export type { WarmupJob } from './warmup/warmup.registry';
export { WarmUp, type WarmUpSpec } from './warmup/warmup.decorator';
export { WarmupRunner, type WarmupResult, type WarmupJobResult } from './warmup/warmup.runner';
export type { HealthReport } from './admin/cache-health.service';
export type { AlertState, CacheEvent, CacheEventType } from './monitoring/cache-events';
export { CacheMonitor } from './monitoring/cache-monitor.service';
export type { AlertName, Reading } from './monitoring/alert-rules';
export { Cached, type CachedOptions } from './decorators/cached.decorator';
export {
  InvalidateOn,
  type InvalidateOnSpec,
  type InvalidationNames,
} from './decorators/invalidate-on.decorator';
export { CachePlanRegistry, type RoutePlan } from './decorators/cache-plan.registry';
export type { CachedPlan } from './decorators/cached-plan';
export { CacheInterceptor } from './interceptor/cache.interceptor';
export type { RouteVary } from './keys/route-key';
