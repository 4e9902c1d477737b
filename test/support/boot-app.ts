// The one way tests boot a Nest application around CacheModule: as a user would, usable once
// init resolves (no waiting helper), on Express or Fastify, with the logger a suite wants.
import type { INestApplication, LoggerService, LogLevel, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import { CacheModule, CacheService, RedisService, type CacheModuleOptions } from '@app/cache';
import { CacheEngine } from '@app/cache/testing';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: Platform[] = ['express', 'fastify'];

export interface BootOptions extends ModuleMetadata {
  /** CacheModule.forRoot(cache) is imported first; null: the imports bring their own */
  cache: CacheModuleOptions | null;
  platform?: Platform;
  logger?: LoggerService | LogLevel[] | false;
}

export interface BootedApp {
  app: INestApplication;
  cache: CacheService;
  engine: CacheEngine;
  redis: RedisService;
  server: Server;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function bootApp({
  cache,
  platform = 'express',
  logger = ['error'],
  ...metadata
}: BootOptions): Promise<BootedApp> {
  const imports = [...(cache ? [CacheModule.forRoot(cache)] : []), ...(metadata.imports ?? [])];
  const moduleRef = await Test.createTestingModule({ ...metadata, imports }).compile();
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter())
      : moduleRef.createNestApplication();
  app.useLogger(logger);
  try {
    await app.init();
    if (platform === 'fastify') {
      await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
    }
  } catch (err) {
    // a bootstrap that fails half-way still opened connections and timers
    await app.close().catch(() => undefined);
    throw err;
  }
  const server = app.getHttpServer() as Server;
  return {
    app,
    cache: app.get(CacheService),
    engine: app.get(CacheEngine),
    redis: app.get(RedisService),
    server,
    http: () => request(server),
    close: () => app.close(),
  };
}
