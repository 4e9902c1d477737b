import type { Logger } from '@nestjs/common';
import { isFresh, type CacheEngine } from '../engine/cache-engine';
import type { Envelope } from '../engine/serializer';
import { memoizeKeys } from '../keys/key-memo';
import type { CachedPlan } from './cached-plan';
import type { InvalidationPlan } from './invalidation-plan';

type Method = (...args: unknown[]) => unknown;

/** Marks a function this layer made, so that a provider seen twice is not wrapped twice. */
export const WRAPPED = Symbol('tiered_cache:wrapped');

/** Async by declaration: an `async` method, or one whose declared return type is Promise. */
export function isDeclaredAsync(fn: Method, declaredReturnType: unknown): boolean {
  return fn.constructor?.name === 'AsyncFunction' || declaredReturnType === Promise;
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * A `@Cached` method. Async methods go through `engine.getOrSet` (both tiers, one load per key).
 * Any other method is taken as sync and goes through `engine.getOrSetSync` (memory only, stays
 * sync); should it return a promise after all, that promise is never stored as a value: it is
 * handed to the async path, and the method is treated as async from then on.
 */
export function cachedMethod(
  engine: CacheEngine,
  plan: CachedPlan,
  original: Method,
  instance: object,
  declaredAsync: boolean,
): Method {
  let async = declaredAsync;
  const build = (args: readonly unknown[]) => `${plan.namespace}:${plan.key!(args)}`;
  const keyOf = plan.pureKey ? memoizeKeys(build) : build;
  // Everything that captures the arguments in a closure lives in miss(): a function that has
  // such closures allocates their context on every call, hits included.
  const miss = (key: string, args: unknown[], probed?: Envelope): unknown => {
    const optionsFor = () => plan.entryOptions<unknown>(args);
    if (async) {
      const load = () => original.apply(instance, args);
      return engine.miss(key, load, optionsFor, probed).then((outcome) => outcome.value);
    }
    const value = engine.getOrSetSync(
      key,
      () => original.apply(instance, args),
      () => {
        const opts = optionsFor();
        const userUnless = opts.unless;
        return { ...opts, unless: (v) => isThenable(v) || (userUnless?.(v) ?? false) };
      },
    );
    if (!isThenable(value)) return value;
    async = true;
    // the method already ran: its promise is the loader (unused, and so silenced, on a Redis hit)
    const pending = Promise.resolve(value);
    pending.catch(() => undefined);
    return engine.getOrSet(key, () => pending, optionsFor);
  };
  return function cached(...args: unknown[]): unknown {
    if (!plan.applies(args)) return original.apply(instance, args);
    const key = keyOf(args);
    if (async) {
      // the engine's hit path first (memory is read once per call, the probe's entry goes on to
      // the miss path); options are built on a miss only
      const entry = engine.probe(key);
      if (isFresh(entry)) return Promise.resolve(entry.v);
      return miss(key, args, entry);
    }
    return miss(key, args);
  };
}

/**
 * An `@InvalidateOn` method: after it succeeds, invalidates what the plan names before its
 * promise resolves; when it throws, nothing. A sync method stays sync: the local part of the
 * invalidation (memory, loads in flight) is done before it returns, Redis follows in background.
 */
export function invalidatingMethod(
  engine: CacheEngine,
  plan: InvalidationPlan,
  inner: Method,
  instance: object,
  logger: Logger,
): Method {
  return function invalidating(...args: unknown[]): unknown {
    const result = inner.apply(instance, args);
    if (isThenable(result)) {
      return Promise.resolve(result).then(async (value) => {
        const spec = plan.resolve(args, value);
        if (spec) await engine.invalidator.invalidate(spec);
        return value;
      });
    }
    const spec = plan.resolve(args, result);
    if (spec) {
      engine.invalidator.invalidate(spec).catch((err: Error) => {
        logger.warn(`@InvalidateOn on ${plan.owner}: invalidation failed: ${err.message}`);
      });
    }
    return result;
  };
}

/** The wrapper keeps the original's name and metadata (other explorers read it from the instance). */
export function dressAs(wrapper: Method, original: Method): Method {
  Object.defineProperty(wrapper, 'name', { value: original.name });
  for (const key of Reflect.getMetadataKeys(original)) {
    Reflect.defineMetadata(key, Reflect.getMetadata(key, original), wrapper);
  }
  Object.defineProperty(wrapper, WRAPPED, { value: original });
  return wrapper;
}
