import { Inject, Injectable, Logger, type OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { CACHE_OPTIONS } from '../cache.constants';
import { CacheEngine } from '../engine/cache-engine';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { CacheMetadataAccessor } from './cache-metadata.accessor';
import { CachePlanRegistry } from './cache-plan.registry';
import { compileCachedPlan, type PlanSite } from './cached-plan';
import { compileInvalidationPlan, type InvalidationPlan } from './invalidation-plan';
import {
  cachedMethod,
  dressAs,
  invalidatingMethod,
  isDeclaredAsync,
  WRAPPED,
} from './method-wrappers';

type Method = (...args: unknown[]) => unknown;

/**
 * Finds `@Cached` / `@InvalidateOn` at bootstrap, as @nestjs/schedule finds `@Cron`. Provider
 * methods are replaced on the instance, so that `this.method()` inside the class is cached too.
 * Route handlers are left alone (Nest has bound them already): their plans are compiled here
 * and applied by the CacheInterceptor. Every plan is compiled even with `enabled: false`, so a
 * bad decorator fails the same way whatever the switch says.
 */
@Injectable()
export class CacheExplorer implements OnModuleInit {
  private readonly logger = new Logger('Cache');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly accessor: CacheMetadataAccessor,
    private readonly plans: CachePlanRegistry,
    private readonly engine: CacheEngine,
    @Inject(CACHE_OPTIONS) private readonly options: ResolvedCacheOptions,
  ) {}

  onModuleInit(): void {
    this.explore();
  }

  explore(): void {
    const namespaces = new Set(Object.keys(this.options.namespaces));
    const invalidations: InvalidationPlan[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller?.prototype) continue;
      for (const name of this.scanner.getAllMethodNames(controller.prototype)) {
        const method = controller.prototype[name] as Method;
        if (!this.accessor.isRouteHandler(method)) {
          this.exploreMethod(wrapper, controller.prototype, name, namespaces, invalidations);
          continue;
        }
        const plan = this.plans.route(controller, method);
        if (plan.cached) namespaces.add(plan.cached.namespace);
        if (plan.cached) this.engine.serializer.formats.register(plan.cached.value);
        if (plan.invalidation) invalidations.push(plan.invalidation);
      }
    }
    for (const wrapper of this.discovery.getProviders()) {
      const prototype =
        (wrapper.instance as object | undefined) && Object.getPrototypeOf(wrapper.instance);
      if (!prototype) continue;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        this.exploreMethod(wrapper, prototype, name, namespaces, invalidations);
      }
    }
    // a namespace neither configured nor cached into by any @Cached is likely a typo
    for (const plan of invalidations) {
      for (const ns of plan.staticNamespaces.filter((n) => !namespaces.has(n))) {
        this.logger.warn(
          `@InvalidateOn on ${plan.owner} names namespace "${ns}", which no @Cached uses`,
        );
      }
    }
  }

  private exploreMethod(
    wrapper: InstanceWrapper,
    prototype: Record<string, unknown>,
    name: string,
    namespaces: Set<string>,
    invalidations: InvalidationPlan[],
  ): void {
    const original = prototype[name] as Method;
    const cachedOptions = this.accessor.cached(original);
    const spec = this.accessor.invalidation(original);
    if (!cachedOptions && !spec) return;
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    const className = (prototype.constructor as Type | undefined)?.name ?? String(wrapper.name);
    const site: PlanSite = {
      className,
      methodName: name,
      route: false,
      argCount: declaredArgCount(prototype, name, original),
      namespaces: this.options.namespaces,
    };
    const cached = cachedOptions ? compileCachedPlan(cachedOptions, site) : undefined;
    const invalidation = spec ? compileInvalidationPlan(spec, site) : undefined;
    if (cached) namespaces.add(cached.namespace);
    // a Redis entry of this method may be read (get, another path) before it first runs here
    if (cached) this.engine.serializer.formats.register(cached.value);
    if (invalidation) invalidations.push(invalidation);
    if (!this.options.enabled) return;
    if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient || !instance) {
      this.logger.warn(
        `cannot apply @Cached/@InvalidateOn to "${className}.${name}": its provider is request-scoped or transient`,
      );
      return;
    }
    const current = instance[name] as Method & { [WRAPPED]?: Method };
    if (Object.prototype.hasOwnProperty.call(instance, name) && current[WRAPPED]) return;
    let method = original;
    if (cached) {
      const returns = Reflect.getMetadata('design:returntype', prototype, name) as unknown;
      const declaredAsync = isDeclaredAsync(original, returns);
      method = dressAs(
        cachedMethod(this.engine, cached, original, instance, declaredAsync),
        original,
      );
    }
    if (invalidation) {
      const inner = method;
      method = dressAs(
        invalidatingMethod(this.engine, invalidation, inner, instance, this.logger),
        original,
      );
    }
    instance[name] = method;
  }
}

/** Declared parameters (from emitDecoratorMetadata); unknown with rest parameters or without it. */
function declaredArgCount(prototype: object, name: string, fn: Method): number | undefined {
  const source = Function.prototype.toString.call(fn);
  const open = source.indexOf('(');
  if (source.slice(open, source.indexOf(')', open)).includes('...')) return undefined;
  const paramtypes = Reflect.getMetadata('design:paramtypes', prototype, name) as
    unknown[] | undefined;
  return paramtypes?.length;
}
