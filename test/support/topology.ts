// The Redis deployments the matrix suites run on, all real and started by the suite: one
// redis-server; Sentinel (a master, a replica and 3 sentinels); a 3-master Cluster. A suite runs
// `describe.each(TOPOLOGIES)` and calls useTopology(name) inside: the deployment starts once, in
// beforeAll, and stops in afterAll. It gives CacheModule's `redis` option, a keyPrefix for it, and
// raw access to Redis for assertions and faults, on whichever server holds a key.
import type { RedisConnection } from '@app/cache';
import { uniquePrefix } from './cache-app';
import { isEntry } from './stored-entry';
import { RedisCluster } from './redis-cluster';
import { RedisSentinelGroup } from './redis-sentinel';
import { RedisServer } from './redis-server';

export type TopologyName = 'standalone' | 'sentinel' | 'cluster';
export const TOPOLOGIES: TopologyName[] = ['standalone', 'sentinel', 'cluster'];

/** Raw Redis for assertions: a RedisServer, or a Topology (which finds the key's server). */
export interface RawRedis {
  /** `redis-cli -e ...args`; a Topology runs it where the key in args[1] lives. */
  cli(...args: string[]): Promise<string>;
}

/**
 * How many of these data keys hold an entry (a delete leaves a tombstone, which is none); one GET
 * each: on a Cluster they may be in other slots.
 */
export async function entriesIn(raw: RawRedis, ...keys: string[]): Promise<number> {
  const found = await Promise.all(keys.map((key) => raw.cli('GET', key)));
  return found.filter(isEntry).length;
}

export interface TopologyOptions {
  /** Extra redis-server arguments for every data node, e.g. AOF so that a restart keeps data. */
  args?: string[];
}

export abstract class Topology implements RawRedis {
  constructor(
    readonly name: TopologyName,
    protected readonly options: TopologyOptions,
  ) {}

  abstract start(): Promise<void>;
  abstract shutdown(): Promise<void>;
  /** CacheModule's `redis` option. */
  abstract get redis(): RedisConnection;
  abstract cli(...args: string[]): Promise<string>;
  /** The servers that are masters now. */
  abstract masters(): Promise<RedisServer[]>;
  /** The master that holds a raw key: the one to freeze or kill to take that key away. */
  abstract masterOf(key: string): Promise<RedisServer>;

  /** A unique keyPrefix, without a hash tag: on a Cluster the entries spread over every master. */
  prefix(label: string): string {
    return uniquePrefix(label);
  }

  /** Raw keys matching a glob, by SCAN on every master. */
  async keys(pattern: string): Promise<string[]> {
    const masters = await this.masters();
    const found = await Promise.all(masters.map((m) => m.cli('--scan', '--pattern', pattern)));
    return found.flatMap((out) => out.split('\n').filter(Boolean)).sort();
  }

  /** Restarts a server (by default every master) and waits until the deployment serves again. */
  async restart(servers?: RedisServer[]): Promise<void> {
    await Promise.all((servers ?? (await this.masters())).map((s) => s.restart()));
  }
}

class StandaloneTopology extends Topology {
  private server!: RedisServer;

  async start(): Promise<void> {
    this.server = await RedisServer.start({ args: this.options.args });
  }
  async shutdown(): Promise<void> {
    await this.server?.shutdown();
  }
  get redis(): RedisConnection {
    return this.server.url;
  }
  cli(...args: string[]): Promise<string> {
    return this.server.cli(...args);
  }
  async masters(): Promise<RedisServer[]> {
    return [this.server];
  }
  async masterOf(): Promise<RedisServer> {
    return this.server;
  }
}

class SentinelTopology extends Topology {
  private group!: RedisSentinelGroup;

  async start(): Promise<void> {
    // Redis' own down-after (30 s): a fault of a few seconds stays a fault of the master, as it
    // would in production; failover under traffic is test/ops/sentinel-failover.spec.ts
    this.group = await RedisSentinelGroup.start({ downAfterMs: 30_000, args: this.options.args });
  }
  async shutdown(): Promise<void> {
    await this.group?.shutdown();
  }
  get redis(): RedisConnection {
    return { sentinels: this.group.sentinels, name: this.group.name };
  }
  async cli(...args: string[]): Promise<string> {
    return (await this.group.master()).cli(...args);
  }
  async masters(): Promise<RedisServer[]> {
    return [await this.group.master()];
  }
  masterOf(): Promise<RedisServer> {
    return this.group.master();
  }
}

class ClusterTopology extends Topology {
  private cluster!: RedisCluster;

  async start(): Promise<void> {
    this.cluster = await RedisCluster.start({ masters: 3, args: this.options.args });
  }
  async shutdown(): Promise<void> {
    await this.cluster?.shutdown();
  }
  get redis(): RedisConnection {
    return { cluster: this.cluster.nodes };
  }
  /** redis-cli -c on a node that answers: it follows the MOVED redirect to the key's master. */
  async cli(...args: string[]): Promise<string> {
    const alive = await Promise.all(this.cluster.servers.map((s) => s.ping()));
    const node = this.cluster.servers.find((_, i) => alive[i]);
    if (!node) throw new Error('no cluster node answers PING');
    return node.cli('-c', ...args);
  }
  masters(): Promise<RedisServer[]> {
    return this.cluster.masters();
  }
  masterOf(key: string): Promise<RedisServer> {
    return this.cluster.masterOf(key);
  }
  async restart(servers?: RedisServer[]): Promise<void> {
    await super.restart(servers);
    await this.cluster.untilOk(); // a restarted master refuses commands for a moment
  }
}

const KINDS = {
  standalone: StandaloneTopology,
  sentinel: SentinelTopology,
  cluster: ClusterTopology,
};

/**
 * Starts the deployment once for the enclosing describe block and stops it after. Jest runs one
 * block's after-hooks in the order they are declared, so apps booted on it close in a nested
 * block's afterAll (or in afterEach): they must go before the servers do.
 */
export function useTopology(name: TopologyName, options: TopologyOptions = {}): Topology {
  const topology = new KINDS[name](name, options);
  beforeAll(() => topology.start(), 60_000);
  afterAll(() => topology.shutdown(), 30_000);
  return topology;
}
