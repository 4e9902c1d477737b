import { Module, type DynamicModule } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { withAdminApi } from './admin/admin-api';
import { CACHE_OPTIONS } from './cache.constants';
import {
  ASYNC_OPTIONS_TYPE,
  CacheModuleBase,
  OPTIONS_TYPE,
  RAW_CACHE_OPTIONS,
} from './cache.module-definition';
import { withDashboard } from './dashboard/dashboard';
import { CacheMetadataAccessor } from './decorators/cache-metadata.accessor';
import { CachePlanRegistry } from './decorators/cache-plan.registry';
import { CacheExplorer } from './decorators/cache.explorer';
import { CacheEngine } from './engine/cache-engine';
import { CacheInterceptor } from './interceptor/cache.interceptor';
import { CacheMonitor } from './monitoring/cache-monitor.service';
import type { CacheModuleOptions } from './options/cache-options.interface';
import { resolveOptions } from './options/resolve-options';
import { RedisService } from './redis/redis.service';
import { CacheService } from './service/cache.service';
import { WARMUP_PROVIDERS } from './warmup/warmup.providers';
import { WarmupRegistry } from './warmup/warmup.registry';
import { WarmupRunner } from './warmup/warmup.runner';

/**
 * The cache, global: `CacheModule.forRoot()` reads the environment and runs on memory alone when
 * no Redis is configured. Options are resolved and validated once, at bootstrap.
 */
@Module({
  imports: [DiscoveryModule],
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
    ...WARMUP_PROVIDERS,
    CacheMetadataAccessor,
    CachePlanRegistry,
    CacheExplorer,
    CacheMonitor,
    { provide: APP_INTERCEPTOR, useClass: CacheInterceptor },
  ],
  exports: [
    CACHE_OPTIONS,
    RedisService,
    CacheEngine,
    CacheService,
    WarmupRegistry,
    WarmupRunner,
    CachePlanRegistry,
    CacheMonitor,
  ],
})
export class CacheModule extends CacheModuleBase {
  static forRoot(options: typeof OPTIONS_TYPE = {}): DynamicModule {
    return withDashboard(withAdminApi(super.forRoot(options), options.admin), options.admin);
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return withDashboard(withAdminApi(super.forRootAsync(options)));
  }
}
