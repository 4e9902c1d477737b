import { WarmupJobError, WarmupRunError } from '../errors';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { CACHED_METADATA } from '../cache.constants';
import { getWarmUpSpec, type WarmUpSpec } from './warmup.decorator';
import { WarmupRegistry } from './warmup.registry';

/**
 * Finds `@WarmUp` methods at bootstrap (the way @nestjs/schedule's explorer finds `@Cron`) and
 * registers each as a job named `Class.method`.
 */
@Injectable()
export class WarmupExplorer implements OnModuleInit {
  private readonly logger = new Logger('CacheWarmup');
  /** jobs made here: a class provided in two modules is warmed once (the cache is shared) */
  private readonly registered = new Set<string>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly registry: WarmupRegistry,
  ) {}

  onModuleInit(): void {
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      const prototype = instance ? Object.getPrototypeOf(instance) : undefined;
      if (!instance || !prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const spec = getWarmUpSpec(prototype, method);
        if (spec) this.register(wrapper, instance, prototype, method, spec);
      }
    }
  }

  private register(
    wrapper: InstanceWrapper,
    instance: Record<string, unknown>,
    prototype: object,
    method: string,
    spec: WarmUpSpec,
  ): void {
    const name = `${prototype.constructor.name}.${method}`;
    if (this.registered.has(name)) return;
    if (!wrapper.isDependencyTreeStatic() || wrapper.isTransient) {
      // a request-scoped provider has no instance to call outside a request, and the @Cached
      // explorer does not wrap transient ones
      this.logger.warn(`@WarmUp on ${name} is ignored: its provider is not a singleton`);
      return;
    }
    if (Reflect.hasMetadata(PATH_METADATA, (prototype as Record<string, object>)[method])) {
      // cached routes are filled by the interceptor, per request: calling the handler stores nothing
      this.logger.warn(
        `@WarmUp on ${name} is ignored: it is a route handler; warm the provider method it calls`,
      );
      return;
    }
    if (!isCached(prototype, method)) {
      this.logger.warn(
        `@WarmUp on ${name}: the method is not @Cached, so warming it stores nothing`,
      );
    }
    if (spec.args !== undefined && typeof spec.args !== 'function') {
      throw new WarmupJobError(name, '"args" must be a function returning argument lists');
    }
    this.registry.register({
      name,
      cron: spec.cron,
      load: () => warm(name, instance, method, spec),
    });
    this.registered.add(name);
  }
}

/**
 * Calls the method once per argument list, one after the other (warming must not stampede the
 * origin). It goes through the instance property, not the prototype: the @Cached explorer puts
 * the caching wrapper there, and calling it is what fills the cache.
 */
async function warm(
  name: string,
  instance: Record<string, unknown>,
  method: string,
  spec: WarmUpSpec,
): Promise<number> {
  const lists = spec.args ? await spec.args.call(instance, instance) : [[]];
  if (!Array.isArray(lists) || !lists.every(Array.isArray)) {
    throw new WarmupJobError(name, '"args" must return an array of argument arrays');
  }
  const failures: Error[] = [];
  for (const args of lists) {
    try {
      await Reflect.apply(instance[method] as (...a: unknown[]) => unknown, instance, args);
    } catch (err) {
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  if (failures.length > 0) {
    throw new WarmupRunError(
      `${failures.length} of ${lists.length} calls failed; first: ${failures[0].message}`,
    );
  }
  return lists.length;
}

function isCached(prototype: object, method: string): boolean {
  const fn = (prototype as Record<string, unknown>)[method];
  return (
    Reflect.hasMetadata(CACHED_METADATA, prototype, method) ||
    (typeof fn === 'function' && Reflect.hasMetadata(CACHED_METADATA, fn))
  );
}
