import { WARMUP_METADATA } from '../cache.constants';

/** What `@WarmUp` says about a `@Cached` method. */
export interface WarmUpSpec {
  /**
   * the argument lists to call the method with; default: one call without arguments. Called with
   * the provider instance (also as `this`), so it can use the provider's own dependencies.
   */
  // method syntax on purpose: `args(self: MyService)` is then accepted for an unknown instance
  args?(instance: unknown): unknown[][] | Promise<unknown[][]>;
  /** cron expression (@nestjs/schedule syntax, seconds allowed) on which the method is warmed again */
  cron?: string;
}

/**
 * Marks a `@Cached` method for warming: at startup (when `warmup.onStartup`), on its cron and on
 * `POST /cache/warm`, it is called for each argument list, which fills the cache.
 *
 * The spec is stored against the prototype and the property name, not on the function: another
 * decorator (`@Cached`) may replace the function, and the metadata must survive that in either
 * decorator order.
 */
export function WarmUp(spec: WarmUpSpec = {}): MethodDecorator {
  return (target, propertyKey) => {
    Reflect.defineMetadata(WARMUP_METADATA, spec, target, propertyKey);
  };
}

/** The `@WarmUp` spec of a method, if it has one. */
export function getWarmUpSpec(prototype: object, method: string | symbol): WarmUpSpec | undefined {
  return Reflect.getMetadata(WARMUP_METADATA, prototype, method) as WarmUpSpec | undefined;
}
