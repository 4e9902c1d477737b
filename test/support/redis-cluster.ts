// A real Redis Cluster of N masters (no replicas) on loopback, built from RedisServer processes.
import { freePort, runRedisCli } from './probes';
import { RedisServer } from './redis-server';
import { waitFor } from './wait-for';

const READY_TIMEOUT_MS = 15_000;

export interface RedisClusterOptions {
  /** Number of masters; Redis requires at least 3. */
  masters?: number;
  /** Extra redis-server arguments for every node, e.g. ['--cluster-node-timeout', '1000']. */
  args?: string[];
}

export interface ClusterNode {
  host: string;
  port: number;
}

export class RedisCluster {
  private constructor(readonly servers: RedisServer[]) {}

  static async start({ masters = 3, args = [] }: RedisClusterOptions = {}): Promise<RedisCluster> {
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
    const started = await Promise.allSettled(Array.from({ length: masters }, startNode));
    const servers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const cluster = new RedisCluster(servers);
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

  /** Empties every master (FLUSHALL only reaches the node it is sent to). */
  async flushall(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.flushall()));
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.servers.map((server) => server.shutdown()));
  }

  private async create(): Promise<void> {
    const addresses = this.servers.map(({ host, port }) => `${host}:${port}`);
    const argv = ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'];
    await runRedisCli(argv, READY_TIMEOUT_MS);
    // `--cluster create` returns once the nodes agree on the config epoch; each node only
    // reports ok once it has heard about every slot owner, which takes a few gossip rounds.
    let last = '';
    await waitFor(
      async () => {
        const infos = await Promise.all(this.servers.map((s) => s.cli('CLUSTER', 'INFO')));
        last = infos.join('\n---\n');
        return infos.every(
          (info) =>
            info.includes('cluster_state:ok') &&
            info.includes(`cluster_known_nodes:${this.servers.length}`),
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
