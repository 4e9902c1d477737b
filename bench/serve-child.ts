import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/**
 * Runs a bench app as a child process (see `startServer` in http.bench.ts): listens on a free
 * loopback port, tells the parent which, and closes when the parent goes away.
 */
export async function serveInChild(module: Type): Promise<void> {
  const app = await NestFactory.create(module, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  process.send?.({ port });
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
}
