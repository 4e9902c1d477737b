// A real Sentinel deployment on loopback: one master, its replicas and a quorum of sentinels,
// all RedisServer processes, so a test can run SENTINEL FAILOVER against it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { harnessRoot } from './child-reaper';
import { RedisServer } from './redis-server';
import { waitFor } from './wait-for';

const READY_TIMEOUT_MS = 15_000;

export interface RedisSentinelOptions {
  /** The master's name, as clients pass it (`name`). */
  name?: string;
  replicas?: number;
  sentinels?: number;
  /** How long the master may be silent before the sentinels fail it over (1 s: quick failover tests). */
  downAfterMs?: number;
  /** Extra redis-server arguments for the master and the replicas, e.g. ['--appendonly', 'yes']. */
  args?: string[];
}

export class RedisSentinelGroup {
  private constructor(
    readonly name: string,
    /** master first, then the replicas; which one is master changes with failover() */
    readonly servers: RedisServer[],
    readonly sentinelServers: RedisServer[],
    private readonly dir: string,
  ) {}

  static async start({
    name = 'cachemaster',
    replicas = 1,
    sentinels = 3,
    downAfterMs = 1000,
    args = [],
  }: RedisSentinelOptions = {}): Promise<RedisSentinelGroup> {
    // sentinels rewrite their config files: each gets its own, in a dir of the group's
    const dir = mkdtempSync(join(harnessRoot(), 'sentinel-'));
    const group = new RedisSentinelGroup(name, [], [], dir);
    try {
      // any of them may become master: none waits 5 s (Redis' default) for more replicas to
      // join a sync before it starts one
      const serverArgs = [...args, '--repl-diskless-sync-delay', '0'];
      const master = await RedisServer.start({ args: serverArgs });
      group.servers.push(master);
      const replicaOf = [...serverArgs, '--replicaof', master.host, String(master.port)];
      for (let i = 0; i < replicas; i++) {
        group.servers.push(await RedisServer.start({ args: replicaOf }));
      }
      await group.untilReplicasSynced(master);
      const quorum = Math.floor(sentinels / 2) + 1;
      for (let i = 0; i < sentinels; i++) {
        const configFile = join(dir, `sentinel-${i}.conf`);
        writeFileSync(
          configFile,
          `sentinel monitor ${name} ${master.host} ${master.port} ${quorum}\n` +
            `sentinel down-after-milliseconds ${name} ${downAfterMs}\n` +
            `sentinel failover-timeout ${name} 10000\n`,
        );
        const sentinel = await RedisServer.start({ configFile, args: ['--sentinel'] });
        group.sentinelServers.push(sentinel);
      }
      await group.untilSentinelsAgree(master, replicas, sentinels);
      return group;
    } catch (err) {
      await group.shutdown();
      throw err;
    }
  }

  /** What a client passes as `sentinels`. */
  get sentinels(): { host: string; port: number }[] {
    return this.sentinelServers.map(({ host, port }) => ({ host, port }));
  }

  /** The server the sentinels currently name as master. */
  async master(): Promise<RedisServer> {
    const reply = await this.sentinelServers[0].cli(
      'SENTINEL',
      'GET-MASTER-ADDR-BY-NAME',
      this.name,
    );
    const port = Number(reply.split('\n')[1]);
    const server = this.servers.find((s) => s.port === port);
    if (!server) throw new Error(`sentinel names an unknown master: ${reply}`);
    return server;
  }

  /**
   * SENTINEL FAILOVER, then waits until every sentinel names the new master and the new master
   * says so itself. The old master is still up, and still a master, until Sentinel demotes it
   * seconds later: settle() waits for that. Returns the new master.
   */
  async failover(): Promise<RedisServer> {
    const old = await this.master();
    await this.sentinelServers[0].cli('SENTINEL', 'FAILOVER', this.name);
    let promoted: RedisServer | undefined;
    let last = '';
    await waitFor(
      async () => {
        const named = await Promise.all(
          this.sentinelServers.map((s) => s.cli('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name)),
        );
        last = named.join(' | ');
        const ports = new Set(named.map((reply) => Number(reply.split('\n')[1])));
        if (ports.size !== 1 || ports.has(old.port)) return false;
        promoted = this.servers.find((s) => ports.has(s.port));
        return promoted !== undefined && (await role(promoted)) === 'master';
      },
      {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 50,
        message: () => `sentinels did not agree on a new master: ${last}`,
      },
    );
    return promoted as RedisServer;
  }

  /** Every other server is a replica of the current master, linked and caught up. */
  async settle(): Promise<void> {
    const master = await this.master();
    await this.untilReplicasSynced(master);
    await this.untilReplicated(master);
  }

  /** The replicas have received every write the master has taken so far. */
  async untilReplicated(master: RedisServer): Promise<void> {
    const offset = async (server: RedisServer, name: string) =>
      Number(
        new RegExp(`^${name}:(\\d+)`, 'm').exec(await server.cli('INFO', 'replication'))?.[1] ?? -1,
      );
    const target = await offset(master, 'master_repl_offset');
    const replicas = this.servers.filter((s) => s !== master);
    await waitFor(
      async () =>
        (await Promise.all(replicas.map((r) => offset(r, 'slave_repl_offset')))).every(
          (o) => o >= target,
        ),
      { timeoutMs: READY_TIMEOUT_MS, message: `replicas did not reach offset ${target}` },
    );
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.sentinelServers, ...this.servers].map((s) => s.shutdown()));
    await rm(this.dir, { recursive: true, force: true });
  }

  private async untilReplicasSynced(master: RedisServer): Promise<void> {
    const replicas = this.servers.filter((s) => s !== master);
    let last = '';
    await waitFor(
      async () => {
        const infos = await Promise.all(replicas.map((r) => r.cli('INFO', 'replication')));
        last = infos.join('\n---\n');
        return infos.every(
          (info) =>
            info.includes('role:slave') &&
            info.includes(`master_port:${master.port}`) &&
            info.includes('master_link_status:up'),
        );
      },
      {
        timeoutMs: 2 * READY_TIMEOUT_MS,
        intervalMs: 100,
        message: () => `replicas did not sync with :${master.port}\n${last}`,
      },
    );
  }

  /** Every sentinel knows the replicas and the other sentinels: a failover can be agreed on. */
  private async untilSentinelsAgree(
    master: RedisServer,
    replicas: number,
    sentinels: number,
  ): Promise<void> {
    let last = '';
    await waitFor(
      async () => {
        const states = await Promise.all(
          this.sentinelServers.map((s) => s.cli('SENTINEL', 'MASTER', this.name)),
        );
        last = states.join('\n---\n');
        return states.every(
          (state) =>
            field(state, 'port') === String(master.port) &&
            field(state, 'num-slaves') === String(replicas) &&
            field(state, 'num-other-sentinels') === String(sentinels - 1),
        );
      },
      {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 100,
        message: () => `sentinels did not discover the deployment\n${last}`,
      },
    );
  }
}

async function role(server: RedisServer): Promise<string> {
  return (await server.cli('ROLE')).split('\n')[0];
}

/** A field of redis-cli's flat "name\nvalue\n..." rendering of SENTINEL MASTER. */
function field(reply: string, name: string): string | undefined {
  const lines = reply.split('\n');
  const at = lines.indexOf(name);
  return at >= 0 ? lines[at + 1] : undefined;
}
