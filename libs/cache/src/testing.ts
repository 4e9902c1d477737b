/**
 * The library's internals that tests and tools reach into: the engine behind CacheService, and
 * the resolved options' injection token. Not part of the public API (`@app/cache`): their shape
 * may change between minor versions. Published as `<package>/testing`.
 */
export { CacheEngine } from './engine/cache-engine';
export { CACHE_OPTIONS } from './cache.constants';
export type { Envelope } from './engine/serializer';
export type { Outcome, Source } from './engine/flights';
