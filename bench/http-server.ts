import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { Cached, CacheModule } from '@app/cache';
import { serveInChild } from './serve-child';

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

void serveInChild(BenchModule);
