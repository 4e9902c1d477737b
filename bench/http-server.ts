import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Cached, CacheModule } from '@app/cache';

/** The app `http.bench.ts` loads: a bare route and the same body through a cached route. */
const BODY = { id: 1, name: 'Ana', slots: ['09:00', '09:30', '10:00', '10:30'], open: true };

@Controller()
class BenchController {
  @Get('bare')
  bare() {
    return BODY;
  }

  @Get('cached')
  @Cached({ ttl: 3600 })
  cached() {
    return BODY;
  }
}

@Module({
  imports: [CacheModule.forRoot({ redis: null, admin: false })],
  controllers: [BenchController],
})
class BenchModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BenchModule, { logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  process.send?.({ port });
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
}

void main();
