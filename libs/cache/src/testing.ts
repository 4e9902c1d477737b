/**
 * The library's internals that tests and tools reach into: the engine behind CacheService, and
 * the resolved options' injection token. Not part of the public API (`@app/cache`): their shape
 * may change between minor versions. Published as `<package>/testing`.
 */
export { CacheEngine } from './engine/cache-engine';
export { CACHE_OPTIONS } from './cache.constants';
export type { Envelope } from './engine/serializer';
export type { Outcome, Source } from './engine/flights';
/** how an entry is framed in Redis (`<stamp> <meta>\n<payload>`; a tombstone is `<seq> -`) */
export { frame, unframe } from './engine/stored-entry';
