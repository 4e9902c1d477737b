import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import { CACHE_OPTIONS } from '../cache.constants';
import { CacheModule as TieredCacheModule } from '../cache.module';
import { CacheOptionsError } from '../errors';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { CacheService } from '../service/cache.service';
import { Cache, CacheManagerAdapter } from './cache-manager.adapter';
import {
  toTieredOptions,
  type CacheModuleAsyncOptions,
  type CacheModuleOptions,
  type CacheOptionsFactory,
} from './compat-options';
import { CACHE_MANAGER, NCM_OPTIONS } from './compat.constants';

const logger = new Logger('CacheModule');

/** Holds the options of `registerAsync` (and its extra providers) for both modules that read them. */
@Module({})
class CacheManagerOptionsModule {}

/**
 * @nestjs/cache-manager's `CacheModule` on our engine: `register` / `registerAsync` build our
 * `CacheModule.forRoot` / `forRootAsync` from NCM's options and provide `CACHE_MANAGER` (and the
 * `Cache` class token) over it. The engine, its admin API and `CacheService` come along, global.
 */
@Module({})
export class CacheModule {
  static register<StoreConfig extends object = object>(
    options: CacheModuleOptions<StoreConfig> = {} as CacheModuleOptions<StoreConfig>,
  ): DynamicModule {
    const optionsModule: DynamicModule = {
      module: CacheManagerOptionsModule,
      providers: [{ provide: NCM_OPTIONS, useValue: options }],
      exports: [NCM_OPTIONS],
    };
    const engine = TieredCacheModule.forRoot(toTieredOptions(options, logger));
    return compose(engine, optionsModule, options.isGlobal);
  }

  static registerAsync<StoreConfig extends object = object>(
    options: CacheModuleAsyncOptions<StoreConfig>,
  ): DynamicModule {
    const optionsModule: DynamicModule = {
      module: CacheManagerOptionsModule,
      imports: options.imports ?? [],
      providers: [...optionsProviders(options), ...(options.extraProviders ?? [])],
      exports: [NCM_OPTIONS],
    };
    const engine = TieredCacheModule.forRootAsync({
      imports: [optionsModule],
      inject: [NCM_OPTIONS],
      useFactory: (given: CacheModuleOptions) => toTieredOptions(given ?? {}, logger),
    });
    return compose(engine, optionsModule, options.isGlobal);
  }
}

function compose(
  engine: DynamicModule,
  optionsModule: DynamicModule,
  isGlobal: boolean | undefined,
): DynamicModule {
  return {
    module: CacheModule,
    global: isGlobal ?? false,
    imports: [engine, optionsModule],
    providers: [
      {
        provide: CACHE_MANAGER,
        useFactory: (
          cache: CacheService,
          given: CacheModuleOptions,
          resolved: ResolvedCacheOptions,
        ) =>
          new CacheManagerAdapter(cache, {
            ttl: given?.ttl,
            defaultTtl: resolved.defaultTtl,
            refreshThreshold: given?.refreshThreshold,
            cacheId: given?.cacheId,
          }),
        inject: [CacheService, NCM_OPTIONS, CACHE_OPTIONS],
      },
      { provide: Cache, useExisting: CACHE_MANAGER },
    ],
    exports: [CACHE_MANAGER, Cache],
  };
}

/** The options provider of `registerAsync`, from `useFactory`, `useClass` or `useExisting`. */
function optionsProviders<S extends object>(options: CacheModuleAsyncOptions<S>): Provider[] {
  const fromFactory = (factory: CacheOptionsFactory<S>) => factory.createCacheOptions();
  if (options.useFactory) {
    return [{ provide: NCM_OPTIONS, useFactory: options.useFactory, inject: options.inject }];
  }
  if (options.useClass) {
    return [
      options.useClass,
      { provide: NCM_OPTIONS, useFactory: fromFactory, inject: [options.useClass] },
    ];
  }
  if (options.useExisting) {
    return [{ provide: NCM_OPTIONS, useFactory: fromFactory, inject: [options.useExisting] }];
  }
  throw new CacheOptionsError(
    'useFactory',
    'registerAsync needs useFactory, useClass or useExisting',
    options,
  );
}
