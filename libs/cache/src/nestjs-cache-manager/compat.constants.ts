/**
 * The tokens and metadata keys of @nestjs/cache-manager, with the same values, so that code (and
 * other libraries) reading them by value keep working after the switch.
 */
export const CACHE_MANAGER = 'CACHE_MANAGER';
export const CACHE_KEY_METADATA = 'cache_module:cache_key';
export const CACHE_TTL_METADATA = 'cache_module:cache_ttl';
/**
 * The @nestjs/cache-manager options as the application gave them (ttl in milliseconds). A symbol:
 * NCM's 'CACHE_MODULE_OPTIONS' string is already our own module's options token.
 */
export const NCM_OPTIONS = Symbol('NCM_OPTIONS');

/**
 * cache-manager's "no expiry" (a ttl of 0): our entries always expire, so it becomes a year.
 */
export const NO_EXPIRY_SECONDS = 365 * 24 * 3600;

/** A cache-manager TTL (milliseconds, 0 = no expiry) as the engine's seconds. */
export function msToSeconds(ms: number): number {
  return ms === 0 ? NO_EXPIRY_SECONDS : ms / 1000;
}
