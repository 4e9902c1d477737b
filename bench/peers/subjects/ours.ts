import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type * as Library from '@app/cache';
import { TTL_SECONDS, valueFor, type Subject, type SubjectOptions } from './subject';
import { OURS } from '../figures';

export type OursLibrary = typeof Library;

/**
 * `npm run bench:peers` measures the built package (dist/libs/cache), imported as a user imports
 * it. BENCH_OURS=source loads the source instead: the smoke test in `npm test` needs no build.
 */
export function loadOurs(): OursLibrary {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return process.env.BENCH_OURS === 'source'
    ? require('@app/cache')
    : require('../../../dist/libs/cache');
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** One application instance with our CacheModule, through the public API only. */
export async function oursSubject(lib: OursLibrary, options: SubjectOptions): Promise<Subject> {
  @Injectable()
  class Prices {
    @lib.Cached({ namespace: 'prices', key: 'price:{0}', ttl: TTL_SECONDS })
    async price(id: number): Promise<object> {
      return valueFor(id);
    }
  }

  @Module({ imports: [lib.CacheModule.forRoot(cacheOptions(options))], providers: [Prices] })
  class BenchModule {}

  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error'] });
  const cache = app.get(lib.CacheService);
  const prices = app.get(Prices);
  const { tagsOf } = options;
  return {
    library: OURS,
    getOrSet: (key, load) =>
      cache.getOrSet(key, () => load(key), tagsOf ? () => ({ tags: tagsOf(key) }) : undefined),
    get: (key) => cache.get(key),
    delete: async (key) => void (await cache.delete(key)),
    invalidateTag: async (tag) => void (await cache.invalidateTags(tag)),
    method: (id) => prices.price(id),
    close: () => app.close(),
  };
}

/** The options an application would write for this shape of cache. */
export function cacheOptions(options: SubjectOptions): Library.CacheModuleOptions {
  return {
    redis: options.redis || null,
    keyPrefix: options.prefix,
    defaultTtl: TTL_SECONDS,
    memory: options.memory === false ? false : { maxEntries: options.memory },
    lock: { enabled: options.lock ?? false },
    admin: false,
  };
}
