/**
 * Every error the library throws for a caller's mistake or a failure it reports, in one place.
 * Each has a stable `code` (`E_CACHE_*`) on the class and on the instance, and its class name as
 * `name`, so that applications can tell them apart without parsing messages.
 */
export abstract class CacheError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An option the application was given cannot work: thrown at bootstrap, naming the option. */
export class CacheOptionsError extends CacheError {
  static readonly code = 'E_CACHE_OPTIONS';
  readonly code = CacheOptionsError.code;
  constructor(
    readonly option: string,
    problem: string,
    value: unknown,
  ) {
    super(`Invalid cache option "${option}": ${problem} (got ${describe(value)})`);
  }
}

/** A `@Cached` / `@InvalidateOn` that cannot work, found at bootstrap: names the method. */
export class CacheDecoratorError extends CacheError {
  static readonly code = 'E_CACHE_DECORATOR';
  readonly code = CacheDecoratorError.code;
  constructor(decorator: '@Cached' | '@InvalidateOn', owner: string, problem: string) {
    super(`${decorator} on ${owner}: ${problem}`);
  }
}

/** A key template that cannot work; the decorator layer adds which method it was on. */
export class KeyTemplateError extends CacheError {
  static readonly code = 'E_CACHE_KEY_TEMPLATE';
  readonly code = KeyTemplateError.code;
}

/** A glob that is empty, too long, too star-heavy or malformed (Redis's matcher is exponential). */
export class InvalidPatternError extends CacheError {
  static readonly code = 'E_CACHE_PATTERN';
  readonly code = InvalidPatternError.code;
}

/** A stored payload that cannot be decoded (counted as a miss and deleted, never thrown to callers). */
export class SerializationError extends CacheError {
  static readonly code = 'E_CACHE_DECODE';
  readonly code = SerializationError.code;
}

/** A value that cannot be cached (a cycle, too large, its serializer threw), given to `set()`. */
export class UncacheableValueError extends CacheError {
  static readonly code = 'E_CACHE_UNCACHEABLE_VALUE';
  readonly code = UncacheableValueError.code;
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`cannot cache the value of "${key}": ${reason}`);
  }
}

/** A warm request named jobs that are not registered (the admin API answers 400). */
export class UnknownWarmupJobError extends CacheError {
  static readonly code = 'E_CACHE_WARMUP_UNKNOWN';
  readonly code = UnknownWarmupJobError.code;
  constructor(readonly names: string[]) {
    super(`unknown warmup job(s): ${names.map((n) => JSON.stringify(n)).join(', ')}`);
  }
}

/** A warmup job's definition cannot work (bad cron, duplicate name, no load function). */
export class WarmupJobError extends CacheError {
  static readonly code = 'E_CACHE_WARMUP_JOB';
  readonly code = WarmupJobError.code;
  constructor(job: string, problem: string) {
    super(`warmup job "${job}": ${problem}`);
  }
}

/** A warmup job ran and some of its calls failed (reported in the run's result). */
export class WarmupRunError extends CacheError {
  static readonly code = 'E_CACHE_WARMUP_RUN';
  readonly code = WarmupRunError.code;
}

/** A Redis-only call (`RedisService.ping()`, `info()`) in memory-only mode. */
export class RedisNotConfiguredError extends CacheError {
  static readonly code = 'E_CACHE_NO_REDIS';
  readonly code = RedisNotConfiguredError.code;
  constructor() {
    super('Redis is not configured (memory-only mode)');
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
