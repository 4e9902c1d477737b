import { fork, type ChildProcess } from 'node:child_process';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { TS_NODE_ARGS } from './http.bench';

export interface ProbeWindow {
  /** the slowest GET of the window, in ms */
  maxMs: number;
  p99Ms: number;
  gets: number;
}

/**
 * Another Redis client issuing GETs of one key back to back, in a child process: it measures how
 * long Redis keeps other clients waiting, and not how long the bench's own event loop is busy
 * (the cache's memory-tier work would otherwise show up as Redis latency).
 */
export class LatencyProbe {
  private constructor(private readonly child: ChildProcess) {}

  static async start(url: string, key: string): Promise<LatencyProbe> {
    const child = fork(__filename, [url, key], { execArgv: TS_NODE_ARGS, stdio: 'inherit' });
    const probe = new LatencyProbe(child);
    await probe.ask('ready');
    return probe;
  }

  /** Starts a window; resolves once the child is sending GETs. */
  async open(): Promise<void> {
    await this.ask('open');
  }

  /** The window so far; with `keepOpen`, a new one starts at once. */
  take(keepOpen = false): Promise<ProbeWindow> {
    return this.ask(keepOpen ? 'take' : 'close');
  }

  stop(): void {
    this.child.kill();
  }

  private ask<T>(what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`latency probe exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (answer: T) => {
        this.child.off('exit', onExit);
        resolve(answer);
      });
      this.child.send(what);
    });
  }
}

/** The child: GETs while a window is open, answering each request from the parent. */
function runChild(url: string, key: string): void {
  const redis = new Redis(url);
  let window: RecordableHistogram | null = null;
  let running = Promise.resolve();
  const loop = async (current: RecordableHistogram) => {
    while (window === current) {
      const started = process.hrtime.bigint();
      await redis.get(key);
      current.record(process.hrtime.bigint() - started);
    }
  };
  const open = () => {
    window = createHistogram();
    running = loop(window);
  };
  process.on('message', async (what: string) => {
    if (what === 'ready') await redis.ping();
    else if (what === 'open') open();
    else {
      // the GET in flight counts: it may be the one Redis held up
      const done = window as RecordableHistogram;
      window = null;
      await running;
      if (what === 'take') open();
      const answer: ProbeWindow = {
        maxMs: done.max / 1e6,
        p99Ms: done.percentile(99) / 1e6,
        gets: done.count,
      };
      process.send?.(answer);
      return;
    }
    process.send?.(what);
  });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) runChild(process.argv[2], process.argv[3]);
