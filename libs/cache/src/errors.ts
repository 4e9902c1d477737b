/**
 * The library's errors share one base: `err instanceof CacheError` catches them all, and `code`
 * (an `E_CACHE_*` string, also on the instance) tells them apart without parsing messages.
 */
export class CacheError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A value that cannot be cached (a cycle, too large, its serializer threw), given to `set()`. */
export class UncacheableValueError extends CacheError {
  static readonly code = 'E_CACHE_UNCACHEABLE_VALUE';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(UncacheableValueError.code, `cannot cache the value of "${key}": ${reason}`);
  }
}
