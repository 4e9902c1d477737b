import { Logger } from '@nestjs/common';
import { RedisService } from '@app/cache';
import { createApp } from './app.factory';
import { DOCS_PATH } from './app.swagger';
import { Database } from './database/database.service';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  app.enableShutdownHooks();
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);

  const logger = new Logger('Bootstrap');
  const base = `http://localhost:${port}`;
  logger.log(`Booking API listening on ${base} (Swagger UI: ${base}/${DOCS_PATH})`);
  logger.log(
    process.env.CACHE_ADMIN_TOKEN
      ? `Cache dashboard: ${base}/cache/dashboard (sign in with CACHE_ADMIN_TOKEN)`
      : 'Cache admin API and dashboard: set CACHE_ADMIN_TOKEN to use them',
  );
  logger.log(`Database: ${app.get(Database).driverName}`);
  const redis = app.get(RedisService);
  logger.log(
    redis.status === 'disabled'
      ? 'Cache: memory only (set REDIS_URL to use Redis)'
      : `Cache: Redis at ${redactedRedisUrl()} (${redis.status}), memory tier in front`,
  );
}

/** The URL without its password: startup logs end up in log collectors. */
function redactedRedisUrl(): string {
  const raw = process.env.REDIS_URL;
  if (!raw) return '(configured)';
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(configured)';
  }
}

bootstrap().catch((err: unknown) => {
  new Logger('Bootstrap').error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
