import 'reflect-metadata';
import { RedisServer } from '../support/redis-server';
import { bootValuesApp } from './values-app';
(async () => {
  const redis = await RedisServer.start();
  const shared = { redis: redis.url, keyPrefix: 'dbg', compressThreshold: 256, defaultTtl: 600 };
  const a = await bootValuesApp(shared);
  const b = await bootValuesApp({ ...shared, memory: false });
  for (const v of [new Set([]), {}, [], 1, 'x', { a: 1 }]) {
    await a.cache.set('set:1', v);
    console.log(JSON.stringify(await redis.cli('GET', 'dbg:d:set:1')), await b.cache.get('set:1'));
  }
  await a.close(); await b.close(); await redis.shutdown();
})();
