import { RedisServer } from '../support/redis-server';
import { buildPackage, CLI, startCliApp, TOKEN, type CliApp } from './support/cli-harness';
import { Tmux } from './support/tmux';

jest.setTimeout(90_000);

/** The terminal's state once the command has exited (printed by the shell after it, see Tmux). */
const RESTORED = /^exit=0\nicanon\necho$/m;

describe('nest-cache on a terminal (tmux)', () => {
  let server: RedisServer;
  let t: CliApp;
  let tmux: Tmux;
  const command = (...args: string[]) =>
    [process.execPath, CLI, '--url', t.url, '--token', TOKEN, ...args].join(' ');

  beforeAll(async () => {
    [server] = await Promise.all([RedisServer.start(), buildPackage()]);
    t = await startCliApp(server.url);
    tmux = new Tmux();
  });
  afterAll(async () => {
    await tmux?.close();
    await t?.close();
    await server?.shutdown();
  });

  it('watch shows live figures from traffic, and q leaves the terminal as it was', async () => {
    const session = await tmux.start(command('watch', '--interval', '1'));
    await tmux.waitForScreen(session, (screen) => screen.includes('nest-cache watch'));
    expect(await tmux.format(session, '#{alternate_on} #{cursor_flag}')).toBe('1 0');

    // traffic while polling, so that two successive readings differ: requests/s above 0
    const screen = await tmux.waitForScreen(session, (text) => {
      void fetch(`${t.origin}/barbers/${1 + Math.floor(Math.random() * 3)}`).catch(() => undefined);
      const rps = /^requests\/s\s+([\d.]+)/m.exec(text);
      return rps !== null && Number(rps[1]) > 0 && /│ GET \/barbers\/:id /.test(text);
    });
    expect(screen).toMatch(/^status ok · backend redis · circuit closed/m);
    expect(screen).toMatch(/^hit rate\s+\d+\.\d% overall/m);
    expect(screen).toMatch(/^hit latency\s+(p50 [\d.]+ ms|no samples yet)/m);
    expect(screen).toMatch(/^miss latency\s+p50 [\d.]+ ms {2}p95/m);
    expect(screen).toMatch(/│ top routes {7}│ req\/s │ hit rate │/);
    expect(screen).toMatch(/^alerts: (none active|not available on this server|\d+ active)/m);

    await tmux.keys(session, 'q');
    const after = await tmux.waitForScreen(session, (text) => RESTORED.test(text));
    expect(after).not.toContain('nest-cache watch');
    expect(await tmux.format(session, '#{alternate_on} #{cursor_flag}')).toBe('0 1');
  });

  it('watch ends on Ctrl-C the same way', async () => {
    const session = await tmux.start(command('watch'));
    await tmux.waitForScreen(session, (screen) => screen.includes('requests/s'));
    await tmux.keys(session, 'C-c');
    await tmux.waitForScreen(session, (text) => RESTORED.test(text));
    expect(await tmux.format(session, '#{alternate_on} #{cursor_flag}')).toBe('0 1');
  });

  it('colours on a terminal, none with NO_COLOR', async () => {
    const coloured = await tmux.start(command('health'));
    await tmux.waitForScreen(coloured, (s) => /^exit=0$/m.test(s));
    // "ok" in green (tmux re-encodes attributes, so only the colour itself is matched)
    // eslint-disable-next-line no-control-regex -- the escape sequence is what is tested
    expect(await tmux.screen(coloured, true)).toMatch(/^\S*status.*\x1b\[32mok/m);

    const plain = await tmux.start(`NO_COLOR=1 ${command('health')}`);
    await tmux.waitForScreen(plain, (s) => /^exit=0$/m.test(s));
    const screen = await tmux.screen(plain, true);
    expect(screen).toMatch(/^status\s+ok/m);
    // no colour and no dim (tmux's own resets, [39m and [49m, are not ours)
    // eslint-disable-next-line no-control-regex -- the escape sequence is what is tested
    expect(screen).not.toMatch(/\x1b\[(2|3[0-7])m/);
  });

  it('warm reports each job on a terminal, the progress line erased', async () => {
    const session = await tmux.start(command('warm'));
    const screen = await tmux.waitForScreen(session, (s) => /^exit=\d+$/m.test(s));
    expect(screen).toMatch(/^\[1\/2\] barbers ok \([\d.]+ ms, 1 key\)\n\[2\/2\] broken failed/m);
    expect(screen).not.toContain('...');
    expect(screen).toMatch(/^exit=1$/m);
  });

  describe('clear asks first, showing how many keys match', () => {
    beforeEach(async () => {
      await t.cache.clear();
      for (const name of ['tmp:1', 'tmp:2', 'keep:1']) await t.cache.set(name, name);
    });

    it('y deletes them', async () => {
      const session = await tmux.start(command('clear', "'tmp:*'"));
      await tmux.waitForScreen(session, (s) =>
        s.includes('2 keys match "tmp:*". Delete them? [y/N]'),
      );
      expect(await t.cache.get('tmp:1')).toBe('tmp:1');
      await tmux.keys(session, 'y', 'Enter');
      const screen = await tmux.waitForScreen(session, (s) => /^exit=\d+$/m.test(s));
      expect(screen).toMatch(/^deleted 2 keys\nexit=0$/m);
      expect(await t.cache.get('tmp:2')).toBeUndefined();
      expect(await t.cache.get('keep:1')).toBe('keep:1');
    });

    it('anything else (Enter) deletes nothing, exit 1', async () => {
      const session = await tmux.start(command('clear', "'tmp:*'"));
      await tmux.waitForScreen(session, (s) => s.includes('Delete them? [y/N]'));
      await tmux.keys(session, 'Enter');
      const screen = await tmux.waitForScreen(session, (s) => /^exit=\d+$/m.test(s));
      expect(screen).toMatch(/^nothing deleted\nexit=1$/m);
      expect(await t.cache.get('tmp:1')).toBe('tmp:1');
    });
  });
});
