// Boots a Nest application the way an app migrating from @nestjs/cache-manager does: its own
// module metadata (CacheModule.register... among the imports), Express or Fastify, then init.
// Nothing waits on the cache's internals; a suite that needs Redis from the first request waits
// as a deployment's readiness probe does, on GET /cache/health (see `untilHealthy`).
import type { INestApplication, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import { waitFor } from '../support/wait-for';

export type Platform = 'express' | 'fastify';

export interface CompatApp {
  app: INestApplication;
  server: Server;
  close(): Promise<void>;
}

export { uniquePrefix } from '../support/cache-app';

export async function bootCompatApp(
  metadata: ModuleMetadata,
  platform: Platform = 'express',
): Promise<CompatApp> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
          logger: ['error'],
        })
      : moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  if (platform === 'fastify') {
    await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  }
  return { app, server: app.getHttpServer() as Server, close: () => app.close() };
}

/**
 * Until the admin health endpoint says ok (Redis reached), as a readiness probe would: while
 * Redis is still connecting after init, writes land in memory only (the lead's readiness fix,
 * issue 8, makes init itself wait).
 */
export async function untilHealthy({ server }: CompatApp): Promise<void> {
  let last = '';
  await waitFor(
    async () => {
      const res = await request(server).get('/cache/health');
      last = JSON.stringify(res.body);
      return res.status === 200 && res.body.status === 'ok';
    },
    {
      timeoutMs: 10_000,
      intervalMs: 50,
      message: () => `GET /cache/health never said ok: ${last}`,
    },
  );
}
