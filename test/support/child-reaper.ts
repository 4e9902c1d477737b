// Makes sure the redis-server processes the harness spawns never outlive the test process.
//
// Two layers, because each covers a case the other cannot:
// - an 'exit' hook on the host process SIGKILLs every live child when Node exits normally
//   (end of run, process.exit, --forceExit, an uncaught error);
// - a detached watchdog shell holds the read end of a pipe from this process. When this process
//   dies in any way, including SIGKILL, OOM, or Jest force-killing a stuck worker with SIGTERM
//   (where no 'exit' handler runs), the pipe reaches EOF and the watchdog kills whatever is still
//   listed in the pid file. Being in its own session, it also survives a Ctrl-C aimed at the
//   process group, so it can still kill a child that is frozen with SIGSTOP.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';

/** Every temp dir the harness makes starts with this, so CI can find leftovers by name. */
export const HARNESS_DIR_PREFIX = 'redis-harness-';

interface Reaper {
  root: string;
  pidFile: string;
  pids: Set<number>;
}

const REAPER = Symbol.for('nest-tiered-cache.test.child-reaper');

// Jest hands each test file a copy of `process` whose 'exit' event never fires, and a fresh
// module registry per file. The host process is shared and does fire 'exit', so the reaper
// lives on it: one hook, one watchdog and one root dir for the whole Jest process.
const hostProcess = runInThisContext('process') as NodeJS.Process & { [REAPER]?: Reaper };

function reaper(): Reaper {
  return (hostProcess[REAPER] ??= createReaper());
}

function createReaper(): Reaper {
  const root = mkdtempSync(join(tmpdir(), HARNESS_DIR_PREFIX));
  const state: Reaper = { root, pidFile: join(root, 'pids'), pids: new Set() };
  writeFileSync(state.pidFile, '');

  const script = 'cat >/dev/null; kill -9 $(cat "$1" 2>/dev/null) 2>/dev/null; rm -rf "$2"';
  const watchdog = spawn('/bin/sh', ['-c', script, 'watchdog', state.pidFile, root], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // Without a shell the 'exit' hook below still covers every orderly exit.
  watchdog.on('error', () => {});
  // Neither the watchdog nor its pipe may keep the event loop (and so Jest) alive.
  watchdog.unref();
  (watchdog.stdin as unknown as Socket).unref();

  hostProcess.on('exit', () => {
    for (const pid of state.pids) {
      try {
        hostProcess.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    try {
      // Emptied so the watchdog cannot kill a recycled pid after these are reaped.
      writeFileSync(state.pidFile, '');
      rmSync(root, { recursive: true, force: true });
    } catch {
      // The watchdog removes the dir as well.
    }
  });
  return state;
}

/** The per-process temp dir under which each server gets its own dir. */
export function harnessRoot(): string {
  return reaper().root;
}

/** Registers a spawned child so it is killed if this process ends first. */
export function track(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return; // spawn failed: nothing to reap
  const state = reaper();
  state.pids.add(pid);
  writePidFile(state);
  child.once('exit', () => {
    state.pids.delete(pid);
    writePidFile(state);
  });
}

function writePidFile(state: Reaper): void {
  writeFileSync(state.pidFile, [...state.pids].join(' '));
}
