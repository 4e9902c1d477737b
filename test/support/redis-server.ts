// A real redis-server per test suite: no mocks, no docker. Each server gets a free loopback port
// and its own temp dir, persists nothing, and can be frozen, killed and restarted on the same
// port to exercise a client's failure handling.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { harnessRoot, track } from './child-reaper';
import { freePort, pingPort, processState, runRedisCli } from './probes';
import { waitFor } from './wait-for';

export { freePort, pingPort } from './probes';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 5000;
const CLI_TIMEOUT_MS = 5000;
const OUTPUT_LIMIT = 16 * 1024;

export interface RedisServerOptions {
  /** Fixed port; by default a free one is picked (and re-picked if another process takes it). */
  port?: number;
  /** Extra redis-server arguments, e.g. ['--maxmemory', '10mb']. */
  args?: string[];
  /** A config file, passed first as redis-server wants it (Sentinel needs one it can rewrite). */
  configFile?: string;
}

export class RedisServer {
  readonly host = HOST;
  private child?: ChildProcess;
  private closed = Promise.resolve();
  private isClosed = true;
  private output = '';
  private shuttingDown?: Promise<void>;

  private constructor(
    readonly port: number,
    /** The server's working dir (--dir), removed by shutdown(). */
    readonly dir: string,
    private readonly args: string[],
    private readonly configFile?: string,
  ) {}

  static async start(opts: RedisServerOptions = {}): Promise<RedisServer> {
    // A port picked by freePort() is free only until something else binds it; retry with a new
    // one if that happened. A caller-chosen port is not second-guessed.
    const attempts = opts.port === undefined ? 3 : 1;
    for (let attempt = 1; ; attempt++) {
      const port = opts.port ?? (await freePort());
      const dir = mkdtempSync(join(harnessRoot(), `redis-${port}-`));
      const server = new RedisServer(port, dir, opts.args ?? [], opts.configFile);
      try {
        await server.launch();
        return server;
      } catch (err) {
        await server.shutdown();
        if (attempt >= attempts || !isAddressInUse(err)) throw err;
      }
    }
  }

  get url(): string {
    return `redis://${this.host}:${this.port}`;
  }

  /** Pid of the current (or last) redis-server process; it changes on restart(). */
  get pid(): number {
    return this.child?.pid ?? -1;
  }

  /** SIGKILL, as in a crash. Resolves once the process has exited. */
  async kill(): Promise<void> {
    if (this.isClosed) return;
    this.child?.kill('SIGKILL');
    if (!(await this.waitClosed(READY_TIMEOUT_MS))) {
      throw new Error(`redis-server pid ${this.pid} survived SIGKILL for ${READY_TIMEOUT_MS} ms`);
    }
  }

  /**
   * SIGSTOP: the server is frozen but its socket stays open, so connects succeed and commands
   * hang, like a stalled host. Resolves once the kernel reports the process as stopped.
   */
  async stop(): Promise<void> {
    this.signal('SIGSTOP');
    await waitFor(() => ['T', 't', undefined].includes(processState(this.pid)), {
      message: `redis-server pid ${this.pid} did not stop`,
    });
  }

  /** SIGCONT after stop(). Resolves once the server answers PING again. */
  async resume(): Promise<void> {
    this.signal('SIGCONT');
    await waitFor(() => this.ping(), { message: `redis-server :${this.port} did not resume` });
  }

  /** Starts a fresh, empty server on the same port, killing the current one first if alive. */
  async restart(): Promise<void> {
    if (this.shuttingDown) throw new Error(`redis-server :${this.port} was shut down`);
    await this.kill();
    // Rarely a client reconnecting in a tight loop holds the port briefly (a loopback
    // self-connect on an ephemeral port); keep trying until the deadline rather than fail.
    let lastError: unknown;
    await waitFor(
      async () => {
        try {
          await this.launch();
          return true;
        } catch (err) {
          lastError = err;
          if (isAddressInUse(err)) return false;
          throw err;
        }
      },
      // Longer than launch()'s own deadline, so a launch that hangs reports its own error.
      { timeoutMs: 2 * READY_TIMEOUT_MS, intervalMs: 50, message: () => String(lastError) },
    );
  }

  /** Graceful stop (SIGTERM, SIGKILL as a fallback) and removal of the temp dir. Idempotent. */
  shutdown(): Promise<void> {
    return (this.shuttingDown ??= this.doShutdown());
  }

  /** Raw TCP PING; false if no +PONG within `timeoutMs` (frozen, down or still loading). */
  ping(timeoutMs = 300): Promise<boolean> {
    return pingPort(this.port, timeoutMs, this.host);
  }

  async flushall(): Promise<void> {
    await this.cli('FLUSHALL');
  }

  /**
   * Runs `redis-cli -h host -p port -e ...args` and returns its output without the final newline.
   * Error replies reject (that is what -e is for). Options go first: cli('-c', 'GET', 'k').
   */
  async cli(...args: string[]): Promise<string> {
    return runRedisCli(['-h', this.host, '-p', String(this.port), '-e', ...args], CLI_TIMEOUT_MS);
  }

  private async launch(): Promise<void> {
    const argv = [
      ...(this.configFile ? [this.configFile] : []),
      ...['--port', String(this.port), '--bind', this.host, '--dir', this.dir],
      ...['--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      // Keeps the arguments (and so the harness dir) visible in ps, for CI's leftover sweep.
      ...['--set-proc-title', 'no'],
      ...this.args,
    ];
    const child = spawn('redis-server', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    this.isClosed = false;
    let spawnError: Error | undefined;
    this.closed = new Promise((resolve) => {
      const done = () => {
        this.isClosed = true;
        resolve();
      };
      child.once('close', done);
      child.once('error', (err) => {
        spawnError = err;
        done();
      });
    });
    // redis logs to stdout; an unread pipe would fill up and block it.
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    track(child);
    // A server a suite forgot to shut down must not keep Jest from exiting; the reaper kills it.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) (stream as Socket | null)?.unref();

    await waitFor(
      async () => {
        if (spawnError) {
          throw this.failure(
            `could not run redis-server, is it installed? (${spawnError.message})`,
          );
        }
        if (this.isClosed) throw this.failure(`redis-server exited (${describeExit(child)})`);
        return this.ping(200);
      },
      {
        timeoutMs: READY_TIMEOUT_MS,
        message: () => this.failure(`redis-server did not answer PING`).message,
      },
    );
  }

  private async doShutdown(): Promise<void> {
    if (!this.isClosed) {
      this.child?.kill('SIGCONT'); // a frozen process never acts on SIGTERM
      this.child?.kill('SIGTERM');
      if (!(await this.waitClosed(READY_TIMEOUT_MS))) await this.kill();
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.isClosed || !this.child) throw new Error(`redis-server :${this.port} is not running`);
    this.child.kill(signal);
  }

  private async waitClosed(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
    const result = await Promise.race([this.closed.then(() => true), timedOut]);
    clearTimeout(timer);
    return result;
  }

  private failure(what: string): Error {
    const extra = this.args.length ? ` ${this.args.join(' ')}` : '';
    const output = this.output.trim() || '(none)';
    return new Error(`${what} [port ${this.port}${extra}]\nredis-server output:\n${output}`);
  }
}

function isAddressInUse(err: unknown): boolean {
  return err instanceof Error && /Address already in use/.test(err.message);
}

function describeExit(child: ChildProcess): string {
  return child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
}
