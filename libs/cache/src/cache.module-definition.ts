import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CacheModuleOptions } from './options/cache-options.interface';

export const {
  ConfigurableModuleClass: CacheModuleBase,
  MODULE_OPTIONS_TOKEN: RAW_CACHE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CacheModuleOptions>({ moduleName: 'Cache' })
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
