import type { ResolvedCacheOptions } from '../options/resolved-options';
import type { ValueOptions } from '../values/value-format';
import type { Envelope } from './serializer';

/** Invalidation markers outlive any load we still guard; a load running longer is not stored. */
export const GUARD_WINDOW_MS = 10 * 60_000;

/** What a caller may say about one entry (the options of getOrSet, set and @Cached). */
export interface EntryOptions<T = unknown> extends ValueOptions<T> {
  /** seconds, or a function of the value */
  ttl?: number | ((value: T) => number);
  namespace?: string;
  tags?: string[];
  /** seconds after expiry during which the old value is served while one refresh runs */
  staleWhileRevalidate?: number;
  /** seconds after expiry during which the old value is served if the loader fails */
  grace?: number;
  /** when true for a value, it is returned but not stored */
  unless?: (value: T) => boolean;
  /** what a warning about an uncacheable value names (a method, a route); default: the key's first segment */
  family?: string;
}

/** Options, or a function that builds them: called on a miss only, so a hit builds nothing. */
export type EntryOptionsArg<T = unknown> = EntryOptions<T> | (() => EntryOptions<T>);

export function entryOptionsOf<T>(arg: EntryOptionsArg<T>): EntryOptions<T> {
  return typeof arg === 'function' ? arg() : arg;
}

/** Turns options and module defaults into an envelope's lifetimes. */
export class EntryPolicy {
  constructor(private readonly options: ResolvedCacheOptions) {}

  /** The namespace of a call: the given one, else the key's first segment when it is configured. */
  namespaceOf(key: string, given: string | undefined): string | undefined {
    if (given !== undefined) return given;
    const colon = key.indexOf(':');
    const head = colon > 0 ? key.slice(0, colon) : key;
    return head in this.options.namespaces ? head : undefined;
  }

  /** The entry to store, or undefined when this value is not to be cached. */
  envelope<T>(
    key: string,
    value: T,
    opts: EntryOptions<T>,
    now = Date.now(),
  ): Envelope<T> | undefined {
    if (value === undefined || opts.unless?.(value)) return undefined;
    const namespace = this.namespaceOf(key, opts.namespace);
    const ns = namespace !== undefined ? this.options.namespaces[namespace] : undefined;
    const ttl =
      typeof opts.ttl === 'function'
        ? opts.ttl(value)
        : (opts.ttl ?? ns?.ttl ?? this.options.defaultTtl);
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) return undefined;
    const expires = now + ttl * 1000;
    const swr = opts.staleWhileRevalidate ?? ns?.staleWhileRevalidate ?? 0;
    const grace = opts.grace ?? ns?.grace ?? this.options.grace;
    const envelope: Envelope<T> = {
      v: value,
      c: now,
      e: expires,
      s: swr > 0 ? expires + swr * 1000 : 0,
      g: grace > 0 ? expires + grace * 1000 : 0,
    };
    if (namespace !== undefined) envelope.n = namespace;
    if (opts.tags && opts.tags.length > 0) envelope.t = opts.tags;
    return envelope;
  }
}

/** How long Redis keeps an entry: until its last use as fresh, stale or grace value. */
export function lifetimeMs(envelope: Envelope, now = Date.now()): number {
  return Math.max(envelope.e, envelope.s, envelope.g) - now;
}
