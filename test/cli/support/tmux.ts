// A real pseudo-terminal for the CLI's interactive parts: Debian's tmux, on a socket of our own
// (never the user's tmux server), driven with send-keys and read with capture-pane.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../../support/wait-for';

const run = promisify(execFile);

/** What the shell prints after the command under test: its exit status and the tty's modes. */
const AFTER = [
  'echo "exit=$?"',
  // raw mode off means canonical input and echo are back on
  'stty -a | tr " ;" "\\n\\n" | grep -x -e icanon -e -icanon -e echo -e -echo',
  // keeps the pane (and so the terminal's final state) readable until the test kills it
  'exec sleep 600',
].join('; ');

export class Tmux {
  private readonly dir = mkdtempSync(join(tmpdir(), 'cli-tmux-'));
  private readonly socket = join(this.dir, 'socket');
  private sessions = 0;

  /** Starts `command` in a new 120x40 session; returns the session's name. */
  async start(command: string): Promise<string> {
    const name = `cli-${++this.sessions}`;
    const size = ['-x', '120', '-y', '40'];
    await this.tmux(
      '-f',
      '/dev/null',
      'new-session',
      '-d',
      '-s',
      name,
      ...size,
      `${command}; ${AFTER}`,
    );
    return name;
  }

  /** The pane's text; with `escapes`, its colours and attributes as escape sequences too. */
  async screen(name: string, escapes = false): Promise<string> {
    return (await this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', name)).stdout;
  }

  async keys(name: string, ...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', name, ...keys);
  }

  /** A tmux format of the pane, e.g. '#{cursor_flag}'. */
  async format(name: string, format: string): Promise<string> {
    return (await this.tmux('display-message', '-p', '-t', name, format)).stdout.trim();
  }

  /** Polls the screen until `test` passes; the last screen is in the timeout's message. */
  async waitForScreen(name: string, test: (screen: string) => boolean, timeoutMs = 20_000) {
    let last = '';
    await waitFor(async () => test((last = await this.screen(name))), {
      timeoutMs,
      intervalMs: 200,
      message: () => `the terminal never showed what the test waits for:\n${last}`,
    });
    return last;
  }

  async close(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private tmux(...args: string[]) {
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
    delete env.TMUX;
    return run('/usr/bin/tmux', ['-S', this.socket, ...args], { env });
  }
}
