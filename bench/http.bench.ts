import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { Row } from './measure';

/**
 * Requests/s of a cached route (memory-tier hit) against the same app's bare route. The app runs
 * in a child process so that autocannon does not share its event loop; the two routes are
 * measured in turns, and the best run of each is kept, so a busy moment does not pick a winner.
 */
export async function httpBench(): Promise<Row[]> {
  const server = await startServer(join(__dirname, 'http-server.ts'));
  const { url } = server;
  try {
    await load(url('/cached'), 1); // warm: first request stores the entry, JIT settles
    await load(url('/bare'), 1);
    const best = { bare: 0, cached: 0 };
    for (let round = 0; round < 3; round++) {
      best.bare = Math.max(best.bare, await load(url('/bare'), 3));
      best.cached = Math.max(best.cached, await load(url('/cached'), 3));
    }
    return [
      {
        name: 'cached route (memory hit) vs bare route, req/s',
        ours: best.cached,
        floor: best.bare,
        unit: 'req/s',
        better: 'higher',
        target: 0.95,
        note: 'autocannon, 10 connections, best of 3 x 3 s',
      },
    ];
  } finally {
    server.stop();
  }
}

/** How a forked bench process runs TypeScript, as the parent does. */
export const TS_NODE_ARGS = [
  '-r',
  'ts-node/register/transpile-only',
  '-r',
  'tsconfig-paths/register',
];

/** Forks a bench app (a .ts file that sends `{ port }` once it listens), so load and app do not share a CPU loop. */
export async function startServer(
  file: string,
): Promise<{ url: (path: string) => string; stop: () => void }> {
  const child = fork(file, [], {
    execArgv: TS_NODE_ARGS,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const stop = () => {
    child.disconnect();
    child.kill();
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port));
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    return { url: (path) => `http://127.0.0.1:${port}${path}`, stop };
  } catch (err) {
    stop();
    throw err;
  }
}

/** Requests/s that autocannon sustains on `url`; any error or non-2xx answer fails the run. */
export async function load(url: string, seconds: number, connections = 10): Promise<number> {
  const result = await autocannon({ url, connections, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: errors during the benchmark`);
  return result.requests.average;
}
