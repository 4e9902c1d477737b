// The one CacheService contract, run on memory alone, on memory + Redis, and on Redis alone.
import type { CacheModuleOptions } from '@app/cache';
import { RedisServer } from '../support/redis-server';
import { bootCache, type MakeApp } from './boot-cache';
import { registerCacheContract } from './cache-contract';

jest.setTimeout(20_000);

let server: RedisServer;

beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(() => server?.shutdown());

const SETUPS: { name: string; makeApp: MakeApp }[] = [
  {
    name: 'memory only',
    makeApp: (options?: CacheModuleOptions) => bootCache({ ...options, redis: null }),
  },
  {
    name: 'memory + redis',
    makeApp: (options?: CacheModuleOptions) => bootCache({ ...options, redis: server.url }),
  },
  {
    name: 'redis only',
    makeApp: (options?: CacheModuleOptions) =>
      bootCache({ ...options, redis: server.url, memory: false }),
  },
];

describe.each(SETUPS)('cache engine on $name', ({ name, makeApp }) => {
  registerCacheContract(name, makeApp);
});
