import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { processState } from './probes';
import { RedisCluster } from './redis-cluster';
import { RedisServer } from './redis-server';
import { waitFor } from './wait-for';

jest.setTimeout(30_000);

const execFileAsync = promisify(execFile);

const isAlive = (pid: number) => !['Z', undefined].includes(processState(pid));

/** Whether the kernel accepts a TCP connection (true even when the server is frozen). */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('waitFor', () => {
  it('resolves as soon as the predicate holds', async () => {
    let calls = 0;
    await waitFor(() => ++calls === 3);
    expect(calls).toBe(3);
  });

  it('throws the message once the deadline passes, even if the predicate never settles', async () => {
    await expect(waitFor(() => false, { timeoutMs: 50, message: 'never true' })).rejects.toThrow(
      /never true \(gave up after 50 ms\)/,
    );
    await expect(waitFor(() => new Promise<boolean>(() => {}), { timeoutMs: 50 })).rejects.toThrow(
      /gave up/,
    );
  });

  it('keeps real time while the test uses fake timers', async () => {
    jest.useFakeTimers();
    try {
      await expect(waitFor(() => false, { timeoutMs: 30 })).rejects.toThrow(/gave up/);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('RedisServer', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(() => server.shutdown());

  it('answers PING on a loopback port', async () => {
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await server.cli('PING')).toBe('PONG');
    expect(await server.cli('CONFIG', 'GET', 'save')).toBe('save\n');
  });

  it('rejects on an error reply', async () => {
    await expect(server.cli('NOSUCHCOMMAND')).rejects.toThrow(/unknown command/);
  });

  it('stop() freezes the server with its socket open; resume() brings it back', async () => {
    await server.cli('SET', 'kept', '1');
    await server.stop();
    expect(await server.ping(300)).toBe(false);
    expect(await accepts(server.port)).toBe(true);

    await server.resume();
    expect(await server.ping()).toBe(true);
    expect(await server.cli('GET', 'kept')).toBe('1');
  });

  it('kill() then restart() gives an empty server on the same port', async () => {
    const { port, pid } = server;
    await server.cli('SET', 'lost', '1');
    await server.kill();
    expect(isAlive(pid)).toBe(false);
    expect(await accepts(port)).toBe(false);

    await server.restart();
    expect(server.port).toBe(port);
    expect(server.pid).not.toBe(pid);
    expect(await server.cli('GET', 'lost')).toBe('');
  });

  it('shutdown() ends the process, removes its dir and can be called twice', async () => {
    const other = await RedisServer.start();
    await other.stop(); // a frozen server must still shut down
    await Promise.all([other.shutdown(), other.shutdown()]);
    await other.shutdown();
    expect(isAlive(other.pid)).toBe(false);
    expect(existsSync(other.dir)).toBe(false);
  });

  it('start() fails with redis-server output when the server cannot start', async () => {
    await expect(RedisServer.start({ args: ['--no-such-directive', 'x'] })).rejects.toThrow(
      /redis-server exited[\s\S]*no-such-directive/,
    );
  });
});

describe('RedisCluster', () => {
  let cluster: RedisCluster;

  beforeAll(async () => {
    cluster = await RedisCluster.start({ masters: 3 });
  });
  afterAll(() => cluster.shutdown());

  it('reaches cluster_state:ok with 3 masters owning all slots', async () => {
    expect(cluster.nodes).toHaveLength(3);
    for (const server of cluster.servers) {
      expect(await server.cli('CLUSTER', 'INFO')).toMatch(/cluster_state:ok/);
    }
    const nodes = (await cluster.servers[0].cli('CLUSTER', 'NODES')).trim().split('\n');
    const flags = nodes.map((line) => line.split(' ')[2].split(','));
    expect(flags.filter((f) => f.includes('master'))).toHaveLength(3);
    expect(await cluster.servers[0].cli('CLUSTER', 'INFO')).toMatch(/cluster_slots_ok:16384/);
  });

  it('routes keys across nodes', async () => {
    const [first, second] = cluster.servers;
    for (const key of ['a', 'b', 'c', 'd']) await first.cli('-c', 'SET', key, key);
    expect(await second.cli('-c', 'GET', 'd')).toBe('d');
  });
});

describe('child reaper', () => {
  // A separate Node process starts a server and then ends abruptly; its redis-server must not
  // outlive it. SIGKILL skips 'exit' handlers, so that case is the watchdog's job.
  it.each(['process.exit(0)', "process.kill(process.pid, 'SIGKILL')"])(
    'kills the server when the owner ends with %s',
    async (ending) => {
      const script = `
        require('./test/support/redis-server').RedisServer.start().then((s) => {
          process.stdout.write(JSON.stringify({ pid: s.pid, dir: s.dir }) + '\\n', () => ${ending});
        });`;
      const args = ['-r', 'ts-node/register/transpile-only', '-e', script];
      const root = join(__dirname, '..', '..');
      const out = await execFileAsync('node', args, { cwd: root }).catch(
        (err: { stdout: string }) => err,
      );
      const { pid, dir } = JSON.parse(out.stdout) as { pid: number; dir: string };
      await waitFor(() => !isAlive(pid), { message: `redis-server ${pid} outlived its owner` });
      await waitFor(() => !existsSync(dir), { message: `${dir} was left behind` });
    },
  );
});
