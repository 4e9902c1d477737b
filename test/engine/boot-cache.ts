// Boots a real Nest application around CacheModule, as a user would: usable once init resolves.
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CacheModule, CacheService, RedisService, type CacheModuleOptions } from '@app/cache';
import { CacheEngine } from '@app/cache/testing';

export interface CacheApp {
  app: INestApplication;
  cache: CacheService;
  engine: CacheEngine;
  redis: RedisService;
  close(): Promise<void>;
}

export type MakeApp = (options?: CacheModuleOptions) => Promise<CacheApp>;

export { uniquePrefix } from '../support/cache-app';

export function bootCache(options: CacheModuleOptions = {}): Promise<CacheApp> {
  return bootModule([CacheModule.forRoot(options)]);
}

export async function bootModule(imports: ModuleMetadata['imports']): Promise<CacheApp> {
  const moduleRef = await Test.createTestingModule({ imports }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  const engine = app.get(CacheEngine);
  const redis = app.get(RedisService);
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
