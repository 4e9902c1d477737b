import {
  Controller,
  Get,
  Injectable,
  UseInterceptors,
  type ExecutionContext,
} from '@nestjs/common';
import request from 'supertest';
import { Cached, CacheInterceptor, type CachedPlan } from '@app/cache';
import { RedisServer } from '../../support/redis-server';
import { bootApp, PLATFORMS, uniquePrefix, type DecoratorsApp } from '../support/decorators-app';

/** Keys by tenant header instead of the URL, and never caches requests marked no-store. */
@Injectable()
class TenantCacheInterceptor extends CacheInterceptor {
  protected trackBy(context: ExecutionContext, plan: CachedPlan): string | undefined {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string> }>();
    return `${plan.namespace}:tenant:${req.headers['x-tenant'] ?? 'none'}`;
  }

  protected isRequestCacheable(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ headers: Record<string, string> }>();
    return super.isRequestCacheable(context) && req.headers['cache-control'] !== 'no-store';
  }
}

@Controller('tenants')
@UseInterceptors(TenantCacheInterceptor)
class TenantController {
  runs = 0;

  @Get('home')
  @Cached()
  home() {
    return { run: ++this.runs };
  }
}

describe.each(PLATFORMS)('a CacheInterceptor subclass on %s', (platform) => {
  let redis: RedisServer;
  let app: DecoratorsApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const options = { redis: redis.url, keyPrefix: uniquePrefix(`subclass-${platform}`) };
    app = await bootApp({ controllers: [TenantController] }, options, platform);
  });
  afterAll(async () => {
    await app.close();
    await redis.shutdown();
  });

  it('takes over the routes it is bound to, with its own hooks', async () => {
    const a = await request(app.server).get('/tenants/home').set('x-tenant', 'a').expect(200);
    expect(a.headers['x-cache-key']).toBe('TenantController:tenant:a');
    const again = await request(app.server)
      .get('/tenants/home?x=1')
      .set('x-tenant', 'a')
      .expect(200);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.body).toEqual(a.body);
    const bypass = await request(app.server)
      .get('/tenants/home')
      .set('x-tenant', 'a')
      .set('cache-control', 'no-store')
      .expect(200);
    expect(bypass.headers['x-cache']).toBeUndefined();
    expect(app.app.get(TenantController).runs).toBe(2);
  });
});
