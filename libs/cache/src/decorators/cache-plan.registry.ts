import { Inject, Injectable, type Type } from '@nestjs/common';
import { CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { CacheMetadataAccessor } from './cache-metadata.accessor';
import { compileCachedPlan, type CachedPlan, type PlanSite } from './cached-plan';
import { compileInvalidationPlan, type InvalidationPlan } from './invalidation-plan';

/** What the interceptor does for one route: cache it, invalidate after it, both or neither. */
export interface RoutePlan {
  cached?: CachedPlan;
  invalidation?: InvalidationPlan;
}

/**
 * Compiled route plans, per controller and handler. The explorer fills it at bootstrap (so a bad
 * template fails there); a route it did not see is compiled on its first request.
 */
@Injectable()
export class CachePlanRegistry {
  private readonly routes = new WeakMap<Type, WeakMap<object, RoutePlan>>();

  constructor(
    private readonly accessor: CacheMetadataAccessor,
    @Inject(CACHE_OPTIONS) private readonly options: ResolvedCacheOptions,
  ) {}

  route(controller: Type, handler: object): RoutePlan {
    let byHandler = this.routes.get(controller);
    if (!byHandler) this.routes.set(controller, (byHandler = new WeakMap()));
    let plan = byHandler.get(handler);
    if (!plan) byHandler.set(handler, (plan = this.compileRoute(controller, handler)));
    return plan;
  }

  private compileRoute(controller: Type, handler: object): RoutePlan {
    const site: PlanSite = {
      className: controller.name,
      methodName: (handler as { name?: string }).name ?? 'handler',
      route: true,
      namespaces: this.options.namespaces,
    };
    const cached = this.accessor.routeCached(controller, handler);
    const invalidation = this.accessor.invalidation(handler);
    return {
      cached: cached ? compileCachedPlan(cached, site) : undefined,
      invalidation: invalidation ? compileInvalidationPlan(invalidation, site) : undefined,
    };
  }
}
