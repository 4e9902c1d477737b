// A real Redis Cluster of N masters, each with R replicas (none by default), on loopback, built
// from RedisServer processes.
import { freePort, runRedisCli } from './probes';
import { RedisServer } from './redis-server';
import { waitFor } from './wait-for';

const READY_TIMEOUT_MS = 15_000;

export interface RedisClusterOptions {
  /** Number of masters; Redis requires at least 3. */
  masters?: number;
  /** Replicas per master (`--cluster-replicas`). */
  replicas?: number;
  /** Extra redis-server arguments for every node, e.g. ['--cluster-node-timeout', '1000']. */
  args?: string[];
}

export interface ClusterNode {
  host: string;
  port: number;
}

/** One line of CLUSTER NODES. */
export interface ClusterNodeState {
  id: string;
  port: number;
  flags: string[];
  /** the id of its master, for a replica */
  masterId?: string;
  /** slot ranges, e.g. ['0-5460'] */
  slots: string[];
}

export interface KilledMaster {
  id: string;
  replicaIds: string[];
}

export class RedisCluster {
  private constructor(
    readonly servers: RedisServer[],
    private readonly replicas: number,
  ) {}

  static async start({
    masters = 3,
    replicas = 0,
    args = [],
  }: RedisClusterOptions = {}): Promise<RedisCluster> {
    const startNode = async () => {
      const port = await freePort();
      // The bus port defaults to port + 10000, which is past 65535 for much of the ephemeral
      // range, so it gets a free port of its own.
      const busPort = await freePort();
      return RedisServer.start({
        port,
        args: [
          ...['--cluster-enabled', 'yes', '--cluster-port', String(busPort)],
          // Relative to the node's own --dir, so nodes never share a config file.
          ...['--cluster-config-file', `nodes-${port}.conf`],
          ...args,
        ],
      });
    };
    const count = masters * (1 + replicas);
    const started = await Promise.allSettled(Array.from({ length: count }, startNode));
    const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const cluster = new RedisCluster(servers, replicas);
    try {
      const failed = started.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      await cluster.create();
      return cluster;
    } catch (err) {
      await cluster.shutdown();
      throw err;
    }
  }

  get nodes(): ClusterNode[] {
    return this.servers.map(({ host, port }) => ({ host, port }));
  }

  /** Empties every master (FLUSHALL only reaches the node it is sent to; replicas follow). */
  async flushall(): Promise<void> {
    await Promise.all((await this.masters()).map((server) => server.flushall()));
  }

  /** The servers that are live masters now. */
  async masters(): Promise<RedisServer[]> {
    const states = await this.state();
    return this.servers.filter((s) => states.some((n) => n.port === s.port && isMaster(n)));
  }

  /** CLUSTER NODES as seen by a live node. */
  async state(): Promise<ClusterNodeState[]> {
    const live = await this.live();
    return parseNodes(await live.cli('CLUSTER', 'NODES'));
  }

  /** The server of the master that owns the slot of `key`. */
  async masterOf(key: string): Promise<RedisServer> {
    const live = await this.live();
    const slot = Number(await live.cli('CLUSTER', 'KEYSLOT', key));
    const owner = (await this.state()).find(
      (n) => isMaster(n) && n.slots.some((range) => inRange(slot, range)),
    );
    const server = this.servers.find((s) => s.port === owner?.port);
    if (!server) throw new Error(`no live master owns slot ${slot}`);
    return server;
  }

  /** SIGKILLs a master, as in a crash; returns its id and its replicas' ids for untilPromoted(). */
  async killMaster(server: RedisServer): Promise<KilledMaster> {
    const nodes = await this.state();
    const master = nodes.find((n) => n.port === server.port && isMaster(n));
    if (!master) throw new Error(`:${server.port} is not a master`);
    const replicaIds = nodes.filter((n) => n.masterId === master.id).map((n) => n.id);
    await server.kill();
    return { id: master.id, replicaIds };
  }

  /**
   * Waits until a replica of the killed master is a master owning slots, the dead one is
   * flagged fail, and every live node reports the cluster ok again. Returns the promoted server.
   */
  async untilPromoted(killed: KilledMaster, timeoutMs = READY_TIMEOUT_MS): Promise<RedisServer> {
    let heir: ClusterNodeState | undefined;
    let last = '';
    await waitFor(
      async () => {
        const live = await this.liveServers();
        const infos = await Promise.all(live.map((s) => s.cli('CLUSTER', 'INFO')));
        const nodes = parseNodes((last = await live[0].cli('CLUSTER', 'NODES')));
        const dead = nodes.find((n) => n.id === killed.id);
        heir = nodes.find((n) => killed.replicaIds.includes(n.id) && isMaster(n));
        return (
          dead?.flags.includes('fail') === true &&
          (heir?.slots.length ?? 0) > 0 &&
          infos.every((info) => info.includes('cluster_state:ok'))
        );
      },
      {
        timeoutMs,
        intervalMs: 100,
        message: () => `no replica of ${killed.id} was promoted\n${last}`,
      },
    );
    return this.servers.find((s) => s.port === heir?.port) as RedisServer;
  }

  private async liveServers(): Promise<RedisServer[]> {
    const alive = await Promise.all(this.servers.map((s) => s.ping()));
    return this.servers.filter((_, i) => alive[i]);
  }

  private async live(): Promise<RedisServer> {
    const [first] = await this.liveServers();
    if (!first) throw new Error('no cluster node answers PING');
    return first;
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.shutdown()));
  }

  private async create(): Promise<void> {
    const addresses = this.servers.map(({ host, port }) => `${host}:${port}`);
    const replicas = String(this.replicas);
    const argv = [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      replicas,
      '--cluster-yes',
    ];
    await runRedisCli(argv, READY_TIMEOUT_MS);
    await this.untilOk();
  }

  /**
   * Every node reports cluster_state:ok and knows every other, and every replica is linked: after
   * `--cluster create` (each node only says ok once it has heard about every slot owner, which
   * takes a few gossip rounds), and after a master restarts (it refuses commands for a while).
   */
  async untilOk(): Promise<void> {
    let last = '';
    await waitFor(
      async () => {
        const infos = await Promise.all(this.servers.map((s) => s.cli('CLUSTER', 'INFO')));
        // ROLE of a replica: slave, host, port, link state, offset. One that has not synced
        // yet could not take over from its master.
        const roles = await Promise.all(this.servers.map((s) => s.cli('ROLE')));
        last = [...infos, ...roles].join('\n---\n');
        const synced = roles.every((role) => {
          const [kind, , , link] = role.split('\n');
          return kind !== 'slave' || link === 'connected';
        });
        return (
          synced &&
          infos.every(
            (info) =>
              info.includes('cluster_state:ok') &&
              info.includes(`cluster_known_nodes:${this.servers.length}`),
          )
        );
      },
      {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 50,
        message: () => `cluster did not reach cluster_state:ok on every node\n${last}`,
      },
    );
  }
}

function parseNodes(text: string): ClusterNodeState[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [id, address, flags, master, , , , , ...slots] = line.split(' ');
      return {
        id,
        port: Number(address.split('@')[0].split(':')[1]),
        flags: flags.split(','),
        masterId: master === '-' ? undefined : master,
        slots: slots.filter((s) => !s.startsWith('[')),
      };
    });
}

function isMaster(node: ClusterNodeState): boolean {
  return node.flags.includes('master') && !node.flags.includes('fail');
}

function inRange(slot: number, range: string): boolean {
  const [from, to = from] = range.split('-').map(Number);
  return slot >= from && slot <= to;
}
