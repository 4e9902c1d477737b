import { Module, type DynamicModule } from '@nestjs/common';
import { CACHE_OPTIONS } from './cache.constants';
import { ASYNC_OPTIONS_TYPE, CacheModuleBase, OPTIONS_TYPE, RAW_CACHE_OPTIONS } from './cache.module-definition';
import { CacheEngine } from './engine/cache-engine';
import type { CacheModuleOptions } from './options/cache-options.interface';
import { resolveOptions } from './options/resolve-options';
import { RedisService } from './redis/redis.service';
import { CacheService } from './service/cache.service';
import { WarmupRegistry } from './warmup/warmup.registry';

/**
 * The cache, global: `CacheModule.forRoot()` reads the environment and runs on memory alone when
 * no Redis is configured. Options are resolved and validated once, at bootstrap.
 */
@Module({
  providers: [
    {
      provide: CACHE_OPTIONS,
      useFactory: (raw: CacheModuleOptions) => resolveOptions(raw ?? {}),
      inject: [RAW_CACHE_OPTIONS],
    },
    RedisService,
    CacheEngine,
    CacheService,
    WarmupRegistry,
  ],
  exports: [CACHE_OPTIONS, RedisService, CacheEngine, CacheService, WarmupRegistry],
})
export class CacheModule extends CacheModuleBase {
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return super.forRoot(options);
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }
}
