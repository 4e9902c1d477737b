import KeyvRedis from '@keyv/redis';
import { createCache as createDedupeCache } from 'async-cache-dedupe';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis';
import { createCache } from 'cache-manager';
import { Redis } from 'ioredis';
import { Keyv } from 'keyv';
import { LRUCache } from 'lru-cache';
import { redisEndpoint, TTL_SECONDS, valueFor, type Loader, type SubjectFactory } from './subject';

/**
 * The peers, each configured as its README shows for the same shape: a memory tier of the same
 * number of entries, the same Redis, the same TTL. What a peer does not have is left out, not
 * emulated (cache-manager has no tags or bus; async-cache-dedupe has one storage, not two tiers).
 */

/** cache-manager 7: a Keyv store per tier; lru-cache is its README's bounded memory store. */
export const cacheManager: SubjectFactory = async (o) => {
  const stores: Keyv[] = [];
  if (o.memory !== false) stores.push(new Keyv({ store: boundedStore(o.memory) }));
  if (o.redis) stores.push(new Keyv({ store: new KeyvRedis(o.redis), namespace: o.prefix }));
  const cache = createCache({ stores, ttl: TTL_SECONDS * 1000 });
  return {
    library: 'cache-manager 7 + Keyv',
    getOrSet: (key, load) => cache.wrap(key, () => load(key)),
    get: (key) => cache.get(key),
    delete: async (key) => void (await cache.del(key)),
    close: async () => void (await cache.disconnect()),
  };
};

/**
 * lru-cache under Keyv's store contract. Its README passes an LRUCache directly, but Keyv 5 calls
 * `set(key, value, ttlNumber)` and lru-cache 11 wants an options object there (every write
 * fails); Keyv keeps the expiry in its own envelope anyway.
 */
function boundedStore(max: number) {
  const lru = new LRUCache<string, NonNullable<unknown>>({ max });
  return {
    get: (key: string) => lru.get(key),
    set: (key: string, value: NonNullable<unknown>) => void lru.set(key, value),
    delete: (key: string) => lru.delete(key),
    clear: () => lru.clear(),
  };
}

/** bentocache: memory driver as L1, Redis driver as L2, the Redis bus between instances. */
export const bentocache: SubjectFactory = async (o) => {
  const store = bentostore();
  if (o.memory !== false) store.useL1Layer(memoryDriver({ maxItems: o.memory }));
  if (o.redis) {
    const connection = redisEndpoint(o.redis);
    store.useL2Layer(redisDriver({ connection }));
    if (o.memory !== false) store.useBus(redisBusDriver({ connection }));
  }
  const bento = new BentoCache({
    default: 'bench',
    prefix: o.prefix,
    ttl: TTL_SECONDS * 1000,
    stores: { bench: store },
  });
  const { tagsOf } = o;
  return {
    library: 'bentocache',
    getOrSet: (key, load) => bento.getOrSet({ key, factory: () => load(key), tags: tagsOf?.(key) }),
    get: (key) => bento.get({ key }),
    delete: async (key) => void (await bento.delete({ key })),
    invalidateTag: async (tag) => void (await bento.deleteByTag({ tags: [tag] })),
    close: () => bento.disconnect(),
  };
};

/**
 * async-cache-dedupe: a defined function per cache (its API has no per-call loader, so the
 * defined function calls the loader the workload hands in). Redis storage when there is a Redis,
 * else memory storage; references are its tags.
 */
export const asyncCacheDedupe: SubjectFactory = async (o) => {
  const client = o.redis ? new Redis(o.redis) : undefined;
  const invalidation = o.tagsOf !== undefined;
  const storage = client
    ? {
        type: 'redis' as const,
        options: { client, invalidation: invalidation && { referencesTTL: TTL_SECONDS } },
      }
    : { type: 'memory' as const, options: { size: o.memory || 1024, invalidation } };
  const cache = createDedupeCache({ ttl: TTL_SECONDS, storage });
  let current: Loader = async () => undefined;
  const reference = (tag: string) => `${o.prefix}:${tag}`;
  const { tagsOf } = o;
  const defined = cache
    .define(
      o.prefix,
      {
        references: tagsOf ? (key: string) => tagsOf(key).map(reference) : undefined,
      },
      (key: string) => current(key),
    )
    .define(`${o.prefix}-price`, async (id: number) => valueFor(id));
  const fns = defined as unknown as Record<string, (arg: unknown) => Promise<unknown>>;
  return {
    library: 'async-cache-dedupe',
    getOrSet: (key, load) => {
      current = load;
      return fns[o.prefix](key);
    },
    delete: (key) => cache.clear(o.prefix, key),
    invalidateTag: (tag) => cache.invalidateAll([reference(tag)]),
    method: (id) => fns[`${o.prefix}-price`](id),
    close: async () => void (await client?.quit()),
  };
};

export const PEERS = [cacheManager, bentocache, asyncCacheDedupe];
