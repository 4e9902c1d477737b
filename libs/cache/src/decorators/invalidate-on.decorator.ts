import { SetMetadata } from '@nestjs/common';
import { INVALIDATE_METADATA } from '../cache.constants';

/* eslint-disable @typescript-eslint/no-explicit-any -- functions of the method's own arguments */

/** A list of names, or a function of the method's arguments followed by its result. */
export type InvalidationNames = string[] | ((...argsAndResult: any[]) => string[]);

/**
 * What `@InvalidateOn` removes after the method succeeded. Keys and patterns are relative to
 * `keyPrefix`, as for `CacheService`: a `@Cached` entry's key is `<namespace>:<key>`.
 */
export interface InvalidateOnSpec {
  tags?: InvalidationNames;
  namespaces?: InvalidationNames;
  keys?: InvalidationNames;
  /** Redis globs, e.g. `'availability:barber:7:*'` */
  patterns?: InvalidationNames;
}

/**
 * Invalidates, after the method (or route handler) succeeds and before its promise resolves,
 * what the spec names; nothing when it throws. `@InvalidateOn('appointment')` and
 * `@InvalidateOn(['a', 'b'])` are shorthands for tags.
 */
export const InvalidateOn = (spec: InvalidateOnSpec | string | string[]): MethodDecorator =>
  SetMetadata(INVALIDATE_METADATA, toSpec(spec));

function toSpec(spec: InvalidateOnSpec | string | string[]): InvalidateOnSpec {
  if (typeof spec === 'string') return { tags: [spec] };
  if (Array.isArray(spec)) return { tags: [...spec] };
  return spec;
}
