// Boots the example app the way main.ts does (createApp), on an embedded database and either
// the memory cache or a real redis-server of its own, and gives tests an HTTP client plus the
// two figures they check: X-Cache and the database's statement count.
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app.factory';
import { addDays, todayIso } from '../../src/common/calendar.helper';
import { RedisServer } from '../support/redis-server';

export type Backend = 'memory' | 'redis';

/** Booting compiles Postgres' WASM (seconds on a busy machine): more than Jest's default 5 s. */
export const BOOT_TIMEOUT_MS = 60_000;

export interface BookingApp {
  app: INestApplication;
  redis?: RedisServer;
  http(): ReturnType<typeof request>;
  /** statements the database has run since boot (GET /stats/db) */
  dbQueries(): Promise<number>;
  close(): Promise<void>;
}

export async function startBookingApp(
  backend: Backend,
  { swagger = false }: { swagger?: boolean } = {},
): Promise<BookingApp> {
  const redis = backend === 'redis' ? await RedisServer.start() : undefined;
  let app: INestApplication | undefined;
  try {
    app = await createApp({
      // null, not undefined: a REDIS_URL or DATABASE_URL in the developer's shell must not leak in
      redisUrl: redis?.url ?? null,
      databaseUrl: null,
      logger: ['error'],
      swagger,
    });
    await app.init();
  } catch (err) {
    await app?.close();
    await redis?.shutdown();
    throw err;
  }
  const server = app.getHttpServer();
  const http = () => request(server);
  return {
    app,
    redis,
    http,
    dbQueries: async () => (await http().get('/stats/db').expect(200)).body.total as number,
    close: async () => {
      try {
        await app.close();
      } finally {
        await redis?.shutdown();
      }
    },
  };
}

let dayCounter = 0;

/**
 * A day no other test in this file uses, a month ahead: past the seeded week, so barber 1
 * (who works every day, 09:00-17:00) has a blank schedule on it.
 */
export function freshDay(): string {
  return addDays(todayIso(), 30 + dayCounter++);
}
