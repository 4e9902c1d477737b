// The one CacheService contract, run on memory alone, and on memory + Redis, Redis alone, memory +
// Sentinel (master, replica, 3 sentinels) and memory + a 3-master Cluster, all real.
import type { CacheModuleOptions } from '@app/cache';
import { useTopology, type Topology } from '../support/topology';
import { bootCache, type MakeApp } from './boot-cache';
import { registerCacheContract } from './cache-contract';

jest.setTimeout(20_000);

const standalone = useTopology('standalone');
const sentinel = useTopology('sentinel');
const cluster = useTopology('cluster');

/** Apps on a topology, with the prefix the contract picked made fit for it. */
const on =
  (topology: Topology, extra: CacheModuleOptions = {}): MakeApp =>
  (options: CacheModuleOptions = {}) =>
    bootCache({
      ...options,
      ...extra,
      redis: topology.redis,
      keyPrefix: options.keyPrefix ?? 'contract',
    });

const SETUPS: { name: string; makeApp: MakeApp }[] = [
  { name: 'memory only', makeApp: (options) => bootCache({ ...options, redis: null }) },
  { name: 'memory + redis', makeApp: on(standalone) },
  { name: 'redis only', makeApp: on(standalone, { memory: false }) },
  { name: 'memory + sentinel', makeApp: on(sentinel) },
  { name: 'memory + cluster', makeApp: on(cluster) },
];

describe.each(SETUPS)('cache engine on $name', ({ name, makeApp }) => {
  registerCacheContract(name, makeApp);
});
