// Small OS-level helpers shared by the harness: free ports, raw PING, redis-cli, process state.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { clearTimeout, setTimeout } from 'node:timers';
import { promisify } from 'node:util';

const HOST = '127.0.0.1';
const handedOut = new Set<number>();
const execFileAsync = promisify(execFile);

/** A loopback port that was free a moment ago (bound on port 0 by the kernel, then released). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen(0, HOST, () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    // The kernel may hand the same port out twice in a row; a cluster needs distinct ones.
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Sends an inline PING on a fresh connection; true only for a +PONG within `timeoutMs`. */
export function pingPort(port: number, timeoutMs = 300, host = HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    let reply = '';
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

/**
 * Runs redis-cli with `argv` and returns its output without the final newline. Rejects with
 * the full command line and output on failure, or if it has not finished within `timeoutMs`
 * (redis-cli 7.0 has no timeout option of its own, and a frozen server never replies).
 */
export async function runRedisCli(argv: string[], timeoutMs: number): Promise<string> {
  try {
    const { stdout } = await execFileAsync('redis-cli', argv, { timeout: timeoutMs });
    return stdout.replace(/\n$/, '');
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string; killed?: boolean };
    const why = e.killed ? `no reply within ${timeoutMs} ms` : e.message;
    const out = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
    const message = `redis-cli ${argv.join(' ')} failed: ${why}${out ? `\n${out}` : ''}`;
    throw new Error(message, { cause: err });
  }
}

/** Linux process state letter from /proc (R, S, T, Z...), or undefined if unknown. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}
