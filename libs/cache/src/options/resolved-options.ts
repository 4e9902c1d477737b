import type {
  AdminOptions,
  CacheModuleOptions,
  HttpOptions,
  LockOptions,
  ReaperOptions,
  MemoryTierOptions,
  MonitoringOptions,
  NamespaceOptions,
  RedisConnection,
  ResilienceOptions,
  RouteInvalidationRule,
  WarmupOptions,
} from './cache-options.interface';
import type { ValueSerializer } from '../values/value-format';

/** Options after defaults and the environment were applied and everything was validated. */
export interface ResolvedCacheOptions {
  redis: RedisConnection | null;
  keyPrefix: string;
  defaultTtl: number;
  namespaces: Record<string, NamespaceOptions>;
  memory: Required<MemoryTierOptions> | false;
  enabled: boolean;
  admin: (Omit<AdminOptions, 'path' | 'dashboard'> & { path: string; dashboard: boolean }) | false;
  warmup: Required<Omit<WarmupOptions, 'cron'>> & { cron?: string };
  http: Required<HttpOptions>;
  resilience: Required<ResilienceOptions>;
  lock: Required<LockOptions>;
  reaper: Required<ReaperOptions>;
  grace: number;
  compressThreshold: number | false;
  maxValueBytes: number | false;
  serializer?: ValueSerializer;
  invalidationRules: RouteInvalidationRule[];
  monitoring: Required<MonitoringOptions>;
  /** the options as given, for introspection */
  raw: CacheModuleOptions;
}
