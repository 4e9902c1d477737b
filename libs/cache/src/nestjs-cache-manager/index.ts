// The @nestjs/cache-manager API on the two-tier engine: switch by changing the import path.
export { CacheModule } from './compat-cache.module';
export { CacheInterceptor } from './compat-cache.interceptor';
export {
  CacheKey,
  CacheTTL,
  type CacheKeyFactory,
  type CacheTTLFactory,
} from './compat.decorators';
export { CACHE_KEY_METADATA, CACHE_MANAGER, CACHE_TTL_METADATA } from './compat.constants';
export {
  Cache,
  type CacheEvents,
  type CacheManagerApi,
  type MsetItem,
  type RawEntry,
  type WrapOptions,
} from './cache-manager.adapter';
export type {
  CacheManagerOptions,
  CacheModuleAsyncOptions,
  CacheModuleOptions,
  CacheOptions,
  CacheOptionsFactory,
} from './compat-options';
