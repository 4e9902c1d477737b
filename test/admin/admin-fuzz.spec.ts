import { Injectable, type OnModuleInit } from '@nestjs/common';
import fc from 'fast-check';
import { CacheService } from '@app/cache';
import { RedisServer } from '../support/redis-server';
import { AUTH, startApp, TOKEN, type TestApp } from './support/admin-app';

jest.setTimeout(120_000);

const SEED = 20_240_611;
const RUNS = 300;

/** Keys that are not ours: a sweep of bad input must leave every one of them in place. */
const FOREIGN = [
  'foreign:1',
  'other:d:1',
  'other:d:shop:v2:d:1',
  'shopping:d:1',
  'Shop:d:1',
  'shop',
  'shop\\:d:1',
];

@Injectable()
class Jobs implements OnModuleInit {
  constructor(private readonly cache: CacheService) {}
  onModuleInit(): void {
    this.cache.registerWarmup({ name: 'known', load: () => undefined });
  }
}

/** Strings made of what breaks parsers and matchers: globs, separators, control and odd characters. */
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
  fc
    .array(
      fc.constantFrom(
        '*',
        '?',
        '[',
        ']',
        '^',
        '-',
        '\\',
        '..',
        '/',
        '%',
        '%00',
        '\r',
        '\n',
        '\u0000',
        '\u007f',
        ':',
        '{',
        '}',
        'a',
        '0',
        ' ',
        '\u202e',
        '😀',
        '"',
        "'",
        'd:',
        'shop:',
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join('')),
  fc.nat({ max: 3_000 }).map((n) => 'a'.repeat(n)),
  fc.nat({ max: 30 }).map((n) => '*'.repeat(n)),
  fc.constantFrom(
    '*',
    '',
    '../../etc/passwd',
    'a\r\nFLUSHALL',
    '*\\',
    '[',
    '[^',
    '\\',
    'foreign:*',
    '*:*',
  ),
);
/** plausible values, so that sweeps also reach the endpoints' work and not only their refusals */
const plain = fc.stringMatching(/^[a-z0-9:_*-]{1,20}$/);
const cursor = fc.oneof(
  nasty,
  fc.constantFrom('0', '0:0', '1:0', '9999:1', '0:18446744073709551616'),
  fc.bigInt().map(String),
);
const count = fc.oneof(nasty, fc.integer().map(String), fc.double().map(String));
const list = fc.oneof(
  fc.array(plain, { maxLength: 3 }),
  fc.array(fc.oneof(plain, nasty), { maxLength: 5 }),
  nasty,
  fc.integer(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
);
const body = fc.oneof(
  fc.record(
    { tags: list, namespaces: list, keys: list, patterns: list, jobs: list },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
  fc.dictionary(nasty, fc.jsonValue(), { maxKeys: 4 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(fc.oneof(arb, plain), { nil: undefined });
/** bodies that are not JSON at all, sent as application/json */
const rawBody = fc.oneof(
  nasty,
  fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
);

describe('admin API under a sweep of generated bad input', () => {
  let server: RedisServer;
  let t: TestApp;
  let cache: CacheService;
  const statuses = new Map<string, Set<number>>();

  beforeAll(async () => {
    server = await RedisServer.start();
    for (const key of FOREIGN) await server.cli('SET', key, 'x');
    await server.cli('SADD', 'other:t:x', 'other:d:1');
    t = await startApp(
      {
        redis: server.url,
        keyPrefix: 'shop',
        admin: { token: TOKEN },
        warmup: { onStartup: false },
      },
      { providers: [Jobs] },
    );
    cache = t.app.get(CacheService);
  });
  afterAll(async () => {
    await t?.close();
    await server?.shutdown();
  });

  beforeEach(async () => {
    for (let i = 0; i < 20; i++) await cache.set(`k:${i}`, i, { tags: [`t:${i % 3}`] });
  });

  afterEach(async () => {
    for (const key of FOREIGN) expect([key, await server.cli('GET', key)]).toEqual([key, 'x']);
    expect(await server.cli('SISMEMBER', 'other:t:x', 'other:d:1')).toBe('1');
    // no input reached Redis in a form it refused: no errors, circuit closed
    expect(cache.stats().errors).toBe(0);
    expect(cache.stats().redis.circuit).toBe('closed');
  });

  const postJson = (url: string, text: string) =>
    t.http().post(url).set(AUTH).set('Content-Type', 'application/json').send(text);

  /** Runs the property; every answer must be below 500. */
  async function sweep<T>(
    name: string,
    arb: fc.Arbitrary<T>,
    send: (input: T) => Promise<{ status: number; text: string }>,
  ) {
    const seen = statuses.get(name) ?? new Set<number>();
    statuses.set(name, seen);
    await fc.assert(
      fc.asyncProperty(arb, async (input) => {
        const res = await send(input);
        seen.add(res.status);
        if (res.status >= 500) throw new Error(`${name} answered ${res.status}: ${res.text}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // the sweep really exercised the refusals
    expect([...seen].some((s) => s === 400)).toBe(true);
  }

  it('DELETE clear?pattern=', () =>
    sweep('clear', nasty, (pattern) =>
      t.http().delete('/cache/clear').query({ pattern }).set(AUTH),
    ));

  it('GET keys?pattern=&cursor=&count=', () =>
    sweep('keys', fc.tuple(maybe(nasty), maybe(cursor), maybe(count)), ([pattern, c, n]) =>
      t.http().get('/cache/keys').query({ pattern, cursor: c, count: n }).set(AUTH),
    ));

  it('GET keys never lists a key outside the prefix', async () => {
    const res = await t.http().get('/cache/keys?pattern=*&count=1000').set(AUTH).expect(200);
    expect(res.body.keys.length).toBeGreaterThan(0);
    for (const key of FOREIGN) expect(res.body.keys).not.toContain(key);
  });

  it('GET debug/key/:key', () =>
    sweep('debug', nasty, (key) =>
      t
        .http()
        .get(`/cache/debug/key/${encodeURIComponent(key)}`)
        .set(AUTH),
    ));

  it('POST invalidate (JSON bodies)', () =>
    sweep('invalidate', body, (b) => postJson('/cache/invalidate', JSON.stringify(b))));

  it('POST invalidate and POST warm (malformed bodies)', () =>
    sweep(
      'raw',
      fc.tuple(fc.constantFrom('/cache/invalidate', '/cache/warm'), rawBody),
      ([url, raw]) => postJson(url, raw),
    ));

  it('POST warm (JSON bodies)', () =>
    sweep('warm', body, (b) => postJson('/cache/warm', JSON.stringify(b))));
});
