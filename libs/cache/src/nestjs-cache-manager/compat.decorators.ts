import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import { CACHE_KEY_METADATA, CACHE_TTL_METADATA } from './compat.constants';

export type CacheKeyFactory = (
  ctx: ExecutionContext,
) => string | undefined | Promise<string | undefined>;
export type CacheTTLFactory = (ctx: ExecutionContext) => number | Promise<number>;

/** The cache key of a route (replaces the URL), or a function of the execution context. */
export const CacheKey = (key: string | CacheKeyFactory) => SetMetadata(CACHE_KEY_METADATA, key);

/** The TTL of a route or of every route of a controller, in milliseconds (0: no expiry). */
export const CacheTTL = (ttl: number | CacheTTLFactory) => SetMetadata(CACHE_TTL_METADATA, ttl);
