import { SetMetadata } from '@nestjs/common';
import { CACHED_METADATA } from '../cache.constants';
import type { RouteVary } from '../keys/route-key';
import type { ValueSerializer } from '../values/value-format';

/* eslint-disable @typescript-eslint/no-explicit-any -- the functions below take the decorated
   method's own arguments, whose types only the method knows */

/**
 * Options of `@Cached`. On a provider method the functions get the method's arguments; on a
 * route handler they get the request (`(req) => ...`; templates read it as `{0.params.id}`).
 */
export interface CachedOptions<Result = any> {
  /** `'barber:{0}:date:{1}'`, `'user:{0.id}'`, or a function of the arguments. Default: a digest of them. */
  key?: string | ((...args: any[]) => string);
  /** groups keys for TTL, stats and invalidation. Default: the class name */
  namespace?: string;
  /** seconds, or a function of the result and the arguments. Default: namespace TTL, then defaultTtl */
  ttl?: number | ((result: Result, ...args: any[]) => number);
  tags?: string[] | ((...args: any[]) => string[]);
  /** when false, this call skips the cache */
  condition?: (...args: any[]) => boolean;
  /** when true, this result is returned but not stored */
  unless?: (result: Result, ...args: any[]) => boolean;
  /** seconds after expiry during which the old value is served while one refresh runs */
  staleWhileRevalidate?: number;
  /** seconds after expiry during which the old value is served if the method fails */
  grace?: number;
  /** routes only: the key includes the caller's id (`http.userId`); anonymous callers share their own entry */
  perUser?: boolean;
  /** routes only: what else the response depends on. Default: every query parameter, no header */
  vary?: RouteVary;
  /** revive the cached plain data (an object, or an array of them) as instances of this class */
  type?: new (...args: any[]) => unknown;
  /** this method's own format for its values; overrides the module-level `serializer` */
  serializer?: ValueSerializer<Result>;
}

/**
 * Caches a method's result through the one cache engine: on an injectable provider's method
 * (async: memory and Redis; sync: memory only, and it stays sync) or on a route handler (GET
 * and HEAD, with X-Cache headers and ETags). On a controller class it applies to all its routes.
 */
export const Cached = (options: CachedOptions = {}): MethodDecorator & ClassDecorator =>
  SetMetadata(CACHED_METADATA, options);
