import { Logger } from '@nestjs/common';
import { UncacheableValueError } from '../errors';
import type { CacheStats } from '../stats/cache-stats';

/** Families warned about are remembered up to this many, so random keys cannot grow the set. */
const MAX_FAMILIES = 1_000;

/**
 * Values the cache could not store (a cycle, too large, their serializer threw). On the paths
 * that must not fail for it (`@Cached`, `getOrSet`, cached routes) the caller gets the loader's
 * value, and the reporter counts it and warns once per family (a method, a route, a key's first
 * segment), so a method that always returns such a value does not flood the log.
 */
export class UncacheableReporter {
  private readonly logger = new Logger('Cache');
  private readonly warned = new Set<string>();

  constructor(private readonly stats: CacheStats) {}

  /**
   * true when err is an UncacheableValueError, then counted (and warned, once per family);
   * false for any other error, which the caller rethrows.
   */
  handle(
    err: unknown,
    where: { family?: string; namespace?: string },
    warn = true,
  ): err is UncacheableValueError {
    if (!(err instanceof UncacheableValueError)) return false;
    this.stats.uncacheable(where.namespace, err.key, err.reason);
    const family = where.family ?? keyFamily(err.key);
    if (!warn || this.warned.has(family) || this.warned.size >= MAX_FAMILIES) return true;
    this.warned.add(family);
    this.logger.warn(
      `${family}: returned a value that cannot be cached (${err.reason}), so it was not stored; ` +
        `later ones are counted in stats (uncacheable), not logged. Key: "${err.key}"`,
    );
    return true;
  }
}

/** The family of a key for warnings: its first segment ("user:42" → "user"), or the key. */
function keyFamily(key: string): string {
  const colon = key.indexOf(':');
  return colon > 0 ? key.slice(0, colon) : key;
}
