import { Controller, type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { CACHE_OPTIONS } from '../cache.constants';
import type { AdminOptions } from '../options/cache-options.interface';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { AdminAccess } from './admin-access';
import { AdminSelfTest } from './admin-self-test.service';
import { CacheAdminController } from './cache-admin.controller';
import { CacheHealthService } from './cache-health.service';
import { CacheMetrics } from './cache-metrics.service';
import { KeyInspector } from './key-inspector.service';
import { PerformanceTracker } from './performance-tracker.service';

/** Where routes go when the options disable them too late to unmount them (forRootAsync). */
export const DISABLED_PATH = '__cache_admin_disabled__';

/**
 * Adds the admin API to a CacheModule definition.
 *
 * `admin: false` given to `forRoot` mounts nothing. From a `forRootAsync` factory it cannot
 * unmount the routes (the controller is registered by then): they move to a reserved path and
 * answer 404 there, and `/<path>` is left to the application.
 */
export function withAdminApi(
  definition: DynamicModule,
  admin?: AdminOptions | false,
): DynamicModule {
  if (admin === false) return definition;
  const { controller, route } = mountController(CacheAdminController, (options) =>
    options.admin ? options.admin.path : DISABLED_PATH,
  );
  return {
    ...definition,
    controllers: [...(definition.controllers ?? []), controller],
    providers: [...(definition.providers ?? []), ...ADMIN_PROVIDERS, route],
  };
}

/**
 * A controller class of its own (so that two applications in one process, as in tests, never
 * share a path) and the provider that sets its path from the resolved options.
 *
 * The path comes from the resolved options, which `forRootAsync` only knows once its factory has
 * run. Nest reads a controller's path when it registers routes, and that happens after every
 * provider was instantiated, so a provider that depends on the options sets the path then (with
 * the public `@Controller()` decorator), for `forRoot` and `forRootAsync` alike.
 */
export function mountController(
  base: Type,
  pathOf: (options: ResolvedCacheOptions) => string,
): { controller: Type; route: Provider } {
  const controller = class extends base {};
  Object.defineProperty(controller, 'name', { value: base.name });
  const route: Provider = {
    provide: Symbol(`${base.name}_ROUTE`),
    useFactory: (options: ResolvedCacheOptions) => {
      const path = pathOf(options);
      Controller(path)(controller);
      return path;
    },
    inject: [CACHE_OPTIONS],
  };
  return { controller, route };
}

const ADMIN_PROVIDERS: Provider[] = [
  AdminAccess,
  CacheHealthService,
  KeyInspector,
  CacheMetrics,
  PerformanceTracker,
  AdminSelfTest,
];
