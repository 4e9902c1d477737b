// Boots CacheModule as an application would (init, then use) around the given providers and
// controllers, with a logger whose warnings the test can read.
import { ConsoleLogger, type INestApplication, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Server } from 'node:http';
import { CacheModule, CacheService, RedisService, type CacheModuleOptions } from '@app/cache';
import { waitFor } from '../support/wait-for';

export { uniquePrefix } from '../support/cache-app';

/** Keeps every warning; prints nothing. */
export class RecordingLogger extends ConsoleLogger {
  readonly warnings: string[] = [];
  override warn(message: unknown): void {
    this.warnings.push(String(message));
  }
  override log(): void {}
  override error(): void {}
}

export interface ValuesApp {
  app: INestApplication;
  cache: CacheService;
  server: Server;
  logger: RecordingLogger;
  get<T>(type: Type<T>): T;
  close(): Promise<void>;
}

export async function bootValuesApp(
  options: CacheModuleOptions,
  classes: { providers?: Type[]; controllers?: Type[] } = {},
): Promise<ValuesApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [CacheModule.forRoot({ admin: false, ...options })],
    providers: classes.providers ?? [],
    controllers: classes.controllers ?? [],
  }).compile();
  const logger = new RecordingLogger();
  const app = moduleRef.createNestApplication({ logger });
  await app.init();
  // until the lead's readiness fix (issue 8 §1) lands, init resolves while Redis still connects
  const redis = app.get(RedisService);
  if (redis.status !== 'disabled') {
    await waitFor(() => redis.status === 'ready', { message: 'Redis never became ready' });
  }
  return {
    app,
    cache: app.get(CacheService),
    server: app.getHttpServer() as Server,
    logger,
    get: (type) => app.get(type),
    close: () => app.close(),
  };
}
