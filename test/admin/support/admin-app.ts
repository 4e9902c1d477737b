import type { INestApplication, LoggerService, ModuleMetadata } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { CacheModule, type CacheModuleOptions } from '@app/cache';

export const TOKEN = 'test-admin-token-0123456789';
export const AUTH = { Authorization: `Bearer ${TOKEN}` };

/** Collects what the application logs, so that tests can assert on warnings. */
export class CapturingLogger implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  log(message: unknown): void {
    this.lines.push({ level: 'log', message: String(message) });
  }
  warn(message: unknown): void {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  error(message: unknown): void {
    this.lines.push({ level: 'error', message: String(message) });
  }
  debug(): void {}
  verbose(): void {}
  warnings(): string[] {
    return this.lines.filter((l) => l.level === 'warn').map((l) => l.message);
  }
}

export interface TestApp {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  logger: CapturingLogger;
  close: () => Promise<void>;
}

/** An application with CacheModule.forRoot(options) (or the given imports) behind a real HTTP stack, Redis connected. */
export async function startApp(
  options: CacheModuleOptions | null,
  metadata: ModuleMetadata = {},
  platform: 'express' | 'fastify' = 'express',
): Promise<TestApp> {
  const imports = [...(options ? [CacheModule.forRoot(options)] : []), ...(metadata.imports ?? [])];
  const moduleRef = await Test.createTestingModule({ ...metadata, imports }).compile();
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter())
      : moduleRef.createNestApplication();
  const logger = new CapturingLogger();
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
  return {
    app,
    http: () => request(app.getHttpServer()),
    logger,
    close: () => app.close(),
  };
}
