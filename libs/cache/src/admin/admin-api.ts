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

const ADMIN_ROUTE = Symbol('CACHE_ADMIN_ROUTE');
const DISABLED_PATH = '__cache_admin_disabled__';

/**
 * Adds the admin API to a CacheModule definition.
 *
 * The route path comes from the resolved options, which `forRootAsync` only knows once its
 * factory has run. Nest reads a controller's path when it registers routes, and that happens
 * after every provider was instantiated, so a provider that depends on the options sets the
 * path then (with the public `@Controller()` decorator), for `forRoot` and `forRootAsync` alike.
 * Each module gets a controller class of its own, so that two applications in one process
 * (tests) never share a path.
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
  const controller = class extends CacheAdminController {};
  Object.defineProperty(controller, 'name', { value: CacheAdminController.name });
  const route: Provider = {
    provide: ADMIN_ROUTE,
    useFactory: (options: ResolvedCacheOptions) => bindAdminPath(controller, options),
    inject: [CACHE_OPTIONS],
  };
  return {
    ...definition,
    controllers: [...(definition.controllers ?? []), controller],
    providers: [...(definition.providers ?? []), ...ADMIN_PROVIDERS, route],
  };
}

const ADMIN_PROVIDERS: Provider[] = [
  AdminAccess,
  CacheHealthService,
  KeyInspector,
  CacheMetrics,
  PerformanceTracker,
  AdminSelfTest,
];

function bindAdminPath(controller: Type, options: ResolvedCacheOptions): string {
  // disabled late (forRootAsync): out of the way of the application's routes, and answering 404
  const path = options.admin ? options.admin.path : DISABLED_PATH;
  Controller(path)(controller);
  return path;
}
