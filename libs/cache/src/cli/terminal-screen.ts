/**
 * A full-screen view on the terminal for `watch`: the alternate screen (the user's scrollback is
 * left as it was), cursor hidden, keys read one by one. `close()` undoes all of it, and runs on
 * process exit too, so a crash never leaves the terminal in raw mode with no cursor.
 */
const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';
const HOME = '\x1b[H';
const CLEAR_LINE_END = '\x1b[K';
const CLEAR_BELOW = '\x1b[J';
const CTRL_C = '\x03';
const CTRL_D = '\x04';
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export class TerminalScreen {
  private lines: string[] = [];
  private open = false;
  private readonly onData = (chunk: Buffer) => {
    const key = chunk.toString();
    if (['q', 'Q', CTRL_C, CTRL_D].includes(key)) this.onQuit();
  };
  private readonly redraw = () => this.draw(this.lines);
  private readonly quitSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  private readonly closeOnExit = () => this.close();

  /** `onQuit` runs on q, Ctrl-C, Ctrl-D or a terminating signal. */
  constructor(private readonly onQuit: () => void) {}

  static available(): boolean {
    return process.stdout.isTTY === true && process.stdin.isTTY === true;
  }

  enter(): void {
    this.open = true;
    process.stdout.write(ENTER);
    process.stdin.setRawMode(true);
    process.stdin.on('data', this.onData);
    process.stdin.resume();
    process.stdout.on('resize', this.redraw);
    for (const signal of this.quitSignals) process.on(signal, this.onQuit);
    process.on('exit', this.closeOnExit);
  }

  /** Repaints in place: home, each line cut to the width and cleared to its end, rest cleared. */
  draw(lines: string[]): void {
    this.lines = lines;
    if (!this.open) return;
    const width = process.stdout.columns || 80;
    const height = process.stdout.rows || 24;
    const body = lines
      .slice(0, height)
      .map((line) => fit(line, width) + CLEAR_LINE_END)
      .join('\n');
    process.stdout.write(HOME + body + CLEAR_BELOW);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    process.stdin.off('data', this.onData);
    process.stdin.setRawMode(false);
    process.stdin.pause();
    process.stdout.off('resize', this.redraw);
    for (const signal of this.quitSignals) process.off(signal, this.onQuit);
    process.off('exit', this.closeOnExit);
    process.stdout.write(LEAVE);
  }
}

/** A line no wider than the terminal (colours dropped from a line that had to be cut). */
function fit(line: string, width: number): string {
  const plain = line.replace(ANSI, '');
  return plain.length <= width ? line : plain.slice(0, width);
}
