// Boots a real Nest application around CacheModule and waits until it is usable: Redis 'ready'
// and, with both tiers, the invalidation bus subscribed (until then the engine bypasses memory).
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  CacheEngine,
  CacheModule,
  CacheService,
  RedisService,
  type CacheModuleOptions,
} from '@app/cache';
import { waitFor } from '../support/wait-for';

export interface CacheApp {
  app: INestApplication;
  cache: CacheService;
  engine: CacheEngine;
  redis: RedisService;
  close(): Promise<void>;
}

export type MakeApp = (options?: CacheModuleOptions) => Promise<CacheApp>;

let counter = 0;

/** A keyPrefix no other test (or earlier run against the same server) uses. */
export function uniquePrefix(label: string): string {
  return `${label.replace(/[^A-Za-z0-9]+/g, '-')}-${process.pid}-${++counter}`;
}

export function bootCache(options: CacheModuleOptions = {}): Promise<CacheApp> {
  return bootModule([CacheModule.forRoot(options)]);
}

export async function bootModule(imports: ModuleMetadata['imports']): Promise<CacheApp> {
  const moduleRef = await Test.createTestingModule({ imports }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  const redis = app.get(RedisService);
  const engine = app.get(CacheEngine);
  try {
    if (redis.status !== 'disabled') {
      await waitFor(() => redis.status === 'ready', {
        message: () => `Redis status is ${redis.status}, not ready`,
      });
    }
    const bus = engine.bus;
    if (bus)
      await waitFor(() => bus.isHealthy, { message: 'the invalidation bus never subscribed' });
  } catch (err) {
    await app.close();
    throw err;
  }
  return { app, cache: app.get(CacheService), engine, redis, close: () => app.close() };
}

/** Swaps process.env entries for a test; the returned function restores them exactly. */
export function withEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(vars);
  return () => apply(saved);
}
