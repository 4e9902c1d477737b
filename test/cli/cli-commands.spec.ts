import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort, RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import {
  ANSI,
  buildPackage,
  CLI,
  runCli,
  startCliApp,
  TOKEN,
  type CliApp,
  type CliRun,
} from './support/cli-harness';

jest.setTimeout(60_000);

describe('nest-cache CLI (built binary, app on real Redis)', () => {
  let server: RedisServer;
  let t: CliApp;
  /** the CLI with --url and --token of the app under test */
  const cli = (...args: string[]) => runCli(['--url', t.url, '--token', TOKEN, ...args]);
  const adminJson = async (path: string) =>
    (
      await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json() as Promise<object>;
  const lines = (text: string) => text.trimEnd().split('\n');

  beforeAll(async () => {
    [server] = await Promise.all([RedisServer.start(), buildPackage()]);
    t = await startCliApp(server.url);
  });
  afterAll(async () => {
    await t?.close();
    await server?.shutdown();
  });

  beforeEach(async () => {
    await t.cache.clear();
  });

  afterEach(() => {
    // every run of this file is piped (no terminal), with CI set: never a colour
    for (const run of runs.splice(0)) expect(run.stdout + run.stderr).not.toMatch(ANSI);
  });
  const runs: CliRun[] = [];
  const record = async (run: Promise<CliRun>) => {
    const done = await run;
    runs.push(done);
    return done;
  };

  it('is an executable with a shebang (the package bin)', async () => {
    const { stdout } = await promisify(execFile)(CLI, ['--help']);
    for (const command of [
      'health',
      'stats',
      'keys',
      'inspect',
      'clear',
      'invalidate',
      'warm',
      'alerts',
      'watch',
    ])
      expect(stdout).toContain(`  ${command} `);
  });

  it('health: a report and exit 0; --json is the detailed report', async () => {
    const human = await record(cli('health'));
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^status\s+ok$/m);
    expect(human.stdout).toMatch(/^backend\s+redis$/m);
    expect(human.stdout).toMatch(/^redis\s+7\.\d+\.\d+, /m);
    expect(human.stdout).toMatch(/^circuit\s+closed$/m);

    const json = await record(cli('health', '--json'));
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ status: 'ok', backend: 'redis', mode: 'standalone' });
    expect(report.redis.version).toMatch(/^7\./);
  });

  it('health without a token reads the public GET health', async () => {
    const run = await record(runCli(['--url', t.url, 'health', '--json']));
    expect(run.code).toBe(0);
    expect(Object.keys(JSON.parse(run.stdout)).sort()).toEqual([
      'backend',
      'hitRate',
      'redis',
      'status',
    ]);
  });

  it('stats: tables per namespace from real traffic; --json is GET stats', async () => {
    for (const id of ['1', '1', '1', '2']) await fetch(`${t.origin}/barbers/${id}`);
    const json = await record(cli('stats', '--json'));
    expect(json.code).toBe(0);
    const stats = JSON.parse(json.stdout);
    expect(stats.namespaces.barbers).toMatchObject({ hits: 2, misses: 2, hitRate: 0.5 });
    expect(Object.keys(stats).sort()).toEqual(Object.keys(await adminJson('/stats')).sort());

    const human = await record(cli('stats'));
    expect(human.code).toBe(0);
    const row = lines(human.stdout).find((line) => /│ barbers /.test(line));
    expect(row?.split('│').map((cell) => cell.trim())).toEqual(
      expect.arrayContaining(['barbers', '2', '50.0%']),
    );
    expect(human.stdout).toContain('hit p50');
    // per-route stats appear when the server reports them
    if (stats.routes) expect(human.stdout).toMatch(/│ route /);
    else expect(human.stdout).not.toMatch(/│ route /);
  });

  describe('keys', () => {
    const names = ['page:1', 'page:2', 'page:3', 'page:4', 'page:5'];
    beforeEach(async () => {
      for (const name of names) await t.cache.set(name, name, { namespace: 'pages' });
      await t.cache.set('other:1', 1);
    });

    it('--all walks every page; one key per line on stdout', async () => {
      const run = await record(cli('keys', 'page:*', '--all', '--count', '1'));
      expect(run.code).toBe(0);
      expect(lines(run.stdout).sort()).toEqual(names);
      expect(run.stderr.trim()).toBe('5 keys');
    });

    it('pages with --cursor until "0"; --json is GET keys', async () => {
      const seen: string[] = [];
      let cursor = '0';
      let pages = 0;
      do {
        const run = await record(
          cli('keys', 'page:*', '--count', '2', '--cursor', cursor, '--json'),
        );
        expect(run.code).toBe(0);
        const page = JSON.parse(run.stdout);
        expect(page.source).toBe('redis');
        seen.push(...page.keys);
        cursor = page.cursor;
      } while (cursor !== '0' && ++pages < 50);
      expect(seen.sort()).toEqual(names);

      const human = await record(cli('keys', 'page:*', '--count', '1'));
      expect(human.stderr).toMatch(/^\d+ keys?(; next page: --cursor \d+:\d+|, last page)\n$/);
    });
  });

  it('inspect: TTL, tags and value; --json is GET debug/key; absent → exit 1', async () => {
    await t.cache.set(
      'barber:7',
      { name: 'Ana', chairs: [1, 2] },
      { ttl: 90, tags: ['barber', 'shop:1'] },
    );
    const human = await record(cli('inspect', 'barber:7'));
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ttl\s+(89|90) s$/m);
    expect(human.stdout).toMatch(/^tags\s+barber, shop:1$/m);
    expect(human.stdout).toContain('"name": "Ana"');

    const json = JSON.parse((await record(cli('inspect', 'barber:7', '--json'))).stdout);
    expect(json).toMatchObject({
      exists: true,
      tags: ['barber', 'shop:1'],
      value: { name: 'Ana', chairs: [1, 2] },
    });

    const absent = await record(cli('inspect', 'barber:404'));
    expect(absent.code).toBe(1);
    expect(absent.stderr).toBe('barber:404: not in the cache\n');
  });

  describe('clear', () => {
    beforeEach(async () => {
      for (const name of ['tmp:1', 'tmp:2', 'keep:1']) await t.cache.set(name, name);
    });

    it('without --yes and no terminal: usage error, exit 2, nothing deleted', async () => {
      const run = await record(cli('clear', 'tmp:*'));
      expect(run.code).toBe(2);
      expect(lines(run.stderr)).toEqual([expect.stringContaining('pass --yes')]);
      expect(await t.cache.get('tmp:1')).toBe('tmp:1');
    });

    it('--yes deletes what the pattern matches, nothing else', async () => {
      const run = await record(cli('clear', '--yes', 'tmp:*'));
      expect(run.code).toBe(0);
      expect(run.stdout).toBe('deleted 2 keys\n');
      expect(await t.cache.get('tmp:1')).toBeUndefined();
      expect(await t.cache.get('tmp:2')).toBeUndefined();
      expect(await t.cache.get('keep:1')).toBe('keep:1');
    });
  });

  it('invalidate by tag and namespace; none named → exit 2', async () => {
    await t.cache.set('a', 1, { tags: ['barber:1'] });
    await t.cache.set('b', 2, { tags: ['barber:2'] });
    await t.cache.set('c', 3, { namespace: 'pages' });
    await t.cache.set('d', 4, { namespace: 'barbers' });
    const run = await record(
      cli('invalidate', '--tag', 'barber:1', '--namespace', 'pages', '--json'),
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ tags: 1, namespaces: 1 });
    expect(await t.cache.get('a')).toBeUndefined();
    expect(await t.cache.get('c')).toBeUndefined();
    expect(await t.cache.get('b')).toBe(2);
    expect(await t.cache.get('d')).toBe(4);

    const human = await record(cli('invalidate', '--tag', 'barber:2', '--tag', 'nobody'));
    expect(human.stdout).toMatch(/^invalidated: .*tags 1/);
    expect(await t.cache.get('b')).toBeUndefined();

    const none = await record(cli('invalidate'));
    expect(none.code).toBe(2);
    expect(lines(none.stderr)).toHaveLength(1);
  });

  it('warm: each job as it runs; a failed job → exit 1; an unknown one → exit 2', async () => {
    const one = await record(cli('warm', 'barbers'));
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^\[1\/1\] barbers ok \([\d.]+ ms, 1 key\)$/m);
    expect(await t.cache.get('barbers:warm')).toEqual({ warmed: true });

    const all = await record(cli('warm'));
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/^\[1\/2\] barbers ok/m);
    expect(all.stdout).toMatch(/^\[2\/2\] broken failed \([\d.]+ ms\): origin down$/m);

    const json = JSON.parse((await record(cli('warm', '--json'))).stdout);
    expect(json).toMatchObject({ warmed: 1, failed: 1 });
    expect(json.jobs.map((j: { name: string }) => j.name)).toEqual(['barbers', 'broken']);

    const unknown = await record(cli('warm', 'nope'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('nest-cache: unknown warmup job nope; jobs: barbers, broken\n');
  });

  it('alerts: listed when the server has them, else one line, exit 1', async () => {
    const direct = await fetch(`${t.url}/alerts`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const run = await record(cli('alerts', '--json'));
    if (direct.status === 404) {
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('nest-cache: alerts are not available on this server\n');
    } else {
      const body = (await direct.json()) as { active?: boolean }[] | { active: unknown[] };
      expect(JSON.parse(run.stdout)).toEqual(body);
      const active = Array.isArray(body) ? body.filter((a) => a.active !== false) : body.active;
      const human = await record(cli('alerts'));
      expect(human.code).toBe(active.length ? 1 : 0);
      if (!active.length) expect(human.stdout).toMatch(/^no active alerts$/m);
    }
  });

  it('a wrong or missing token: exit 2, one line', async () => {
    for (const args of [['--token', 'wrong-token-123'], []]) {
      const run = await record(runCli(['--url', t.url, ...args, 'stats']));
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        'nest-cache: the admin API refused the token (401): check --token or CACHE_ADMIN_TOKEN\n',
      );
    }
  });

  it('reads the URL and token from the environment', async () => {
    const run = await record(
      runCli(['keys', '--json'], { CACHE_ADMIN_URL: t.url, CACHE_ADMIN_TOKEN: TOKEN }),
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ keys: [], cursor: '0' });
  });

  it('an unreachable URL: exit 1, one line, no stack', async () => {
    const url = `http://127.0.0.1:${await freePort()}/cache`;
    const run = await record(runCli(['--url', url, '--token', TOKEN, 'stats']));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`nest-cache: cannot reach ${url} (ECONNREFUSED)\n`);
  });

  it('usage mistakes: exit 2, one line', async () => {
    const cases = [
      ['bogus'],
      ['keys', '--count', '0'],
      ['watch', '--interval', '0'],
      // watch needs a terminal; this one is piped
      ['watch'],
      ['inspect'],
      ['--url', 'not a url', 'stats'],
      // a later --url wins: the app's root, not its admin API
      ['--url', t.origin, 'stats'],
      // the server refuses the glob (400)
      ['keys', 'a'.repeat(300)],
    ];
    for (const args of cases) {
      const run = await record(runCli(['--url', t.url, '--token', TOKEN, ...args]));
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(lines(run.stderr)).toHaveLength(1);
    }
  });

  // last: it kills Redis
  it('Redis down: health degraded (exit 1), keys fails (exit 1), stats reads; back: health ok', async () => {
    await server.kill();
    let health: CliRun | undefined;
    await waitFor(async () => (health = await cli('health')).code === 1, {
      timeoutMs: 20_000,
      message: () => `health never reported the outage: ${JSON.stringify(health)}`,
    });
    expect(health?.stdout).toMatch(/^status\s+degraded$/m);
    expect(health?.stdout).toMatch(/^backend\s+memory$/m);

    const keys = await record(cli('keys'));
    expect(keys.code).toBe(1);
    expect(keys.stderr).toBe('nest-cache: server error (503): Redis is not usable right now\n');
    expect((await record(cli('stats'))).code).toBe(0);

    // and back: health is ok again, exit 0
    await server.restart();
    await waitFor(async () => (health = await cli('health')).code === 0, {
      timeoutMs: 20_000,
      message: () => `health never recovered: ${JSON.stringify(health)}`,
    });
    expect(health?.stdout).toMatch(/^status\s+ok$/m);
  });
});
