import { ValidateBy, type ValidationOptions } from 'class-validator';
import { assertGlob } from '../engine/glob';

/** Bounds of what the admin API accepts: user input reaches Redis, so it is kept small and plain. */
export const MAX_KEY_LENGTH = 512;
export const MAX_LIST_ITEMS = 1_000;
export const MAX_PATTERNS = 50;
export const MAX_PAGE_COUNT = 1_000;
/** bodies above this answer 413 (the platform's own parser stops at 100 KB) */
export const MAX_BODY_BYTES = 64 * 1024;

/** `0`, or `<node>:<redis cursor>` as returned by GET keys. */
export const CURSOR_FORMAT = /^(0|\d{1,4}:\d{1,20})$/;

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\x00-\x1f\x7f]/;
/** a `..` path segment: not a problem for Redis, but never a legitimate key, so refused */
const TRAVERSAL = /(^|[/\\])\.\.([/\\]|$)/;

/** Why a key (or tag, or namespace name) is refused, or undefined when it is fine. */
export function keyProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.length > MAX_KEY_LENGTH) return `must be at most ${MAX_KEY_LENGTH} characters`;
  if (CONTROL_CHARS.test(value)) return 'must not contain control characters';
  if (TRAVERSAL.test(value)) return 'must not contain ".." path segments';
  return undefined;
}

/** Why a glob is refused, or undefined (the engine's limits: length, stars, classes). */
export function globProblem(value: unknown): string | undefined {
  try {
    assertGlob(value as string);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** A cache key, tag or namespace name: bounded, printable, no `..` segments. */
export function IsCacheKey(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCacheKey',
      validator: {
        validate: (value) => keyProblem(value) === undefined,
        defaultMessage: (args) => `${args?.property} ${keyProblem(args?.value) ?? 'is invalid'}`,
      },
    },
    options,
  );
}

/** A Redis glob the engine accepts (see engine/glob.ts). */
export function IsCacheGlob(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCacheGlob',
      validator: {
        validate: (value) => globProblem(value) === undefined,
        defaultMessage: (args) =>
          `${args?.property}: ${globProblem(args?.value) ?? 'invalid pattern'}`,
      },
    },
    options,
  );
}
