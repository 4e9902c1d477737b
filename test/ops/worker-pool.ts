// Real app processes (test/ops/cache-worker.ts under ts-node), each with its own CacheModule,
// driven over IPC. Every child is registered with the harness reaper, and carries the harness
// dir in its arguments so CI's leftover sweep finds it too.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import type { CacheModuleOptions } from '@app/cache';
import { harnessRoot, track } from '../support/child-reaper';
import type { WorkerCommand, WorkerReply } from './cache-worker';

const BOOT_TIMEOUT_MS = 60_000;
const WORKER = join(__dirname, 'cache-worker.ts');

export class Worker {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: WorkerReply) => void>();
  private exited?: string;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: WorkerReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
    child.on('exit', (code, signal) => {
      this.exited = `worker ${child.pid} exited (${signal ?? code})`;
      for (const resolve of this.pending.values())
        resolve({ id: 0, ok: false, error: this.exited });
      this.pending.clear();
    });
  }

  static async start(options: CacheModuleOptions): Promise<Worker> {
    const child = fork(WORKER, ['--harness', harnessRoot()], {
      execArgv: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'],
      env: { ...process.env, CACHE_WORKER_OPTIONS: JSON.stringify(options) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    track(child);
    const worker = new Worker(child);
    const ready = new Promise<WorkerReply>((resolve) => worker.pending.set(0, resolve));
    const timer = setTimeout(
      () => worker.pending.get(0)?.({ id: 0, ok: false, error: 'worker did not boot' }),
      BOOT_TIMEOUT_MS,
    );
    const reply = await ready.finally(() => clearTimeout(timer));
    if (!reply.ok) {
      child.kill('SIGKILL');
      throw new Error(reply.error);
    }
    return worker;
  }

  /** Sends a command; resolves to its result, rejects with the worker's error. */
  send<T = unknown>(command: WorkerCommand): Promise<T> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, (reply) =>
        reply.ok ? resolve(reply.result as T) : reject(new Error(reply.error)),
      );
      this.child.send({ id, ...command });
    });
  }

  /** Closing the IPC channel makes the worker close its app and exit; SIGKILL if it does not. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited.finally(() => clearTimeout(timer));
  }
}
