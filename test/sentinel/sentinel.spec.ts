import type { INestApplication } from '@nestjs/common';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CacheService, RedisService } from '@app/cache';
import { bootApp } from '../support/boot-app';
import { RedisServer } from '../support/redis-server';

jest.setTimeout(30_000);

/** Sentinel mode on a real redis-server in sentinel mode, watching a real master. */
describe('Redis Sentinel mode', () => {
  let master: RedisServer;
  let sentinel: RedisServer;
  let app: INestApplication;

  beforeAll(async () => {
    master = await RedisServer.start();
    // sentinel rewrites its config file, so it lives in the master's scratch dir
    const config = join(master.dir, 'sentinel.conf');
    writeFileSync(
      config,
      `sentinel monitor cachemaster 127.0.0.1 ${master.port} 1\n` +
        'sentinel down-after-milliseconds cachemaster 1000\n',
    );
    sentinel = await RedisServer.start({ configFile: config, args: ['--sentinel'] });
  });

  afterAll(async () => {
    await app?.close();
    await sentinel?.shutdown();
    await master?.shutdown();
  });

  it('finds the master through the sentinel and caches there', async () => {
    ({ app } = await bootApp({
      cache: {
        redis: { sentinels: [{ host: '127.0.0.1', port: sentinel.port }], name: 'cachemaster' },
        keyPrefix: 'sent',
        admin: false,
      },
    }));
    const redis = app.get(RedisService);
    expect(redis.status).toBe('ready');
    expect(redis.mode).toBe('sentinel');

    const cache = app.get(CacheService);
    await cache.set('k', { via: 'sentinel' }, { tags: ['t'] });
    // the entry is on the master the sentinel named, under the prefix
    expect(await master.cli('EXISTS', 'sent:v2:d:k')).toBe('1');
    expect(await cache.get('k')).toEqual({ via: 'sentinel' });
    expect(await cache.invalidateTags(['t'])).toBe(1);
    // the invalidation's marker is on that master too; the entry reads as absent
    expect(await master.cli('HEXISTS', 'sent:v2:m', 't:t')).toBe('1');
    expect(await cache.get('k')).toBeUndefined();
  });
});
