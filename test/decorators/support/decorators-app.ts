// Boots a purpose-built Nest app (Express or Fastify) around CacheModule on a real Redis; the
// cache is usable once init resolves, as for a user.
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import { CacheModule, type CacheModuleOptions } from '@app/cache';
import { CacheEngine } from '@app/cache/testing';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: Platform[] = ['express', 'fastify'];

export interface DecoratorsApp {
  app: INestApplication;
  engine: CacheEngine;
  server: Server;
  close(): Promise<void>;
}

export { uniquePrefix } from '../../support/cache-app';

export async function bootApp(
  metadata: Omit<ModuleMetadata, 'imports'> & { imports?: ModuleMetadata['imports'] },
  options: CacheModuleOptions,
  platform: Platform = 'express',
): Promise<DecoratorsApp> {
  const moduleRef = await Test.createTestingModule({
    ...metadata,
    imports: [CacheModule.forRoot(options), ...(metadata.imports ?? [])],
  }).compile();
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
          logger: ['error'],
        })
      : moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  if (platform === 'fastify')
    await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  const engine = app.get(CacheEngine);
  return { app, engine, server: app.getHttpServer() as Server, close: () => app.close() };
}
