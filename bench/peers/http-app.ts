import 'reflect-metadata';
import {
  CacheInterceptor as NestCacheInterceptor,
  CacheModule as NestCacheModule,
  CacheTTL,
} from '@nestjs/cache-manager';
import { Controller, Get, Module, UseInterceptors } from '@nestjs/common';
import { setTimeout } from 'node:timers/promises';
import { loadOurs } from './subjects/ours';
import { TTL_SECONDS, valueFor } from './subjects/subject';
import { serveInChild } from '../serve-child';

/**
 * The app `http.workload.ts` drives: a bare route, the same body behind a 2 ms origin uncached,
 * through @nestjs/cache-manager's CacheInterceptor and through our @Cached. Both caches run on
 * their default memory store; the routes share one app, so they share everything else too.
 */
const lib = loadOurs();
const BODY = valueFor(1);
const origin = () => setTimeout(2, BODY);

@Controller()
class BenchController {
  @Get('bare')
  bare() {
    return BODY;
  }

  @Get('origin')
  origin() {
    return origin();
  }

  @Get('nest-cache-manager')
  @UseInterceptors(NestCacheInterceptor)
  @CacheTTL(TTL_SECONDS * 1000)
  viaNestCacheManager() {
    return origin();
  }

  @Get('ours')
  @lib.Cached({ ttl: TTL_SECONDS })
  viaOurs() {
    return origin();
  }
}

@Module({
  imports: [lib.CacheModule.forRoot({ redis: null, admin: false }), NestCacheModule.register()],
  controllers: [BenchController],
})
class BenchModule {}

void serveInChild(BenchModule);
