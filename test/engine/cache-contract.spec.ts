// The one CacheService contract, run on memory alone, on memory + Redis, on Redis alone, and on
// memory + a real 3-master Redis Cluster.
import type { CacheModuleOptions } from '@app/cache';
import { RedisCluster } from '../support/redis-cluster';
import { RedisServer } from '../support/redis-server';
import { bootCache, type MakeApp } from './boot-cache';
import { registerCacheContract } from './cache-contract';

jest.setTimeout(20_000);

let server: RedisServer;
let cluster: RedisCluster;

beforeAll(async () => {
  [server, cluster] = await Promise.all([RedisServer.start(), RedisCluster.start({ masters: 3 })]);
});
afterAll(() => Promise.all([server?.shutdown(), cluster?.shutdown()]));

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
  {
    name: 'memory + cluster',
    // a hash-tagged prefix: the cache's keys share one slot (see docs/DEPLOYMENT.md)
    makeApp: (options?: CacheModuleOptions) =>
      bootCache({
        ...options,
        redis: { cluster: cluster.nodes },
        keyPrefix: `{${options?.keyPrefix ?? 'contract'}}`,
      }),
  },
];

describe.each(SETUPS)('cache engine on $name', ({ name, makeApp }) => {
  registerCacheContract(name, makeApp);
});
