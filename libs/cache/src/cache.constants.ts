/** Injection token of the resolved module options. */
export const CACHE_OPTIONS = Symbol('CACHE_OPTIONS');
/** Metadata keys, namespaced so they never collide with another library's. */
export const CACHED_METADATA = 'tiered_cache:cached';
export const INVALIDATE_METADATA = 'tiered_cache:invalidate';
export const WARMUP_METADATA = 'tiered_cache:warmup';
