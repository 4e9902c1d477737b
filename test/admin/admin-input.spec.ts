import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CacheService } from '@app/cache';
import { RedisServer } from '../support/redis-server';
import { AUTH, startApp, TOKEN, type TestApp } from './support/admin-app';

jest.setTimeout(30_000);

@Injectable()
class Jobs implements OnModuleInit {
  constructor(private readonly cache: CacheService) {}
  onModuleInit(): void {
    this.cache.registerWarmup({ name: 'known', load: () => undefined });
  }
}

/** Every 4xx carries a JSON body with a message, never a stack trace. */
function expectClientError(
  res: { status: number; body: { message?: unknown }; text: string },
  status = 400,
): void {
  expect(res.status).toBe(status);
  expect(res.body.message).toBeDefined();
  expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

describe('admin API input validation', () => {
  let server: RedisServer;
  let t: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    t = await startApp(
      {
        redis: server.url,
        keyPrefix: 'shop',
        admin: { token: TOKEN },
        warmup: { onStartup: false },
      },
      { providers: [Jobs] },
    );
  });
  afterAll(async () => {
    await t?.close();
    await server?.shutdown();
  });

  const get = (url: string) => t.http().get(url).set(AUTH);

  describe('globs (DELETE clear, GET keys, POST invalidate)', () => {
    const bad = [
      ['over-long', 'a'.repeat(201)],
      ['too many stars', '*a'.repeat(9)],
      ['unclosed class', 'user:[abc'],
      ['CR LF', 'a\r\nFLUSHALL'],
      ['NUL', 'a\u0000b'],
      ['empty', ''],
    ];
    it.each(bad)('refuses a pattern that is %s', async (_what, pattern) => {
      expectClientError(await t.http().delete('/cache/clear').query({ pattern }).set(AUTH));
      expectClientError(await get('/cache/keys').query({ pattern }));
      expectClientError(
        await t
          .http()
          .post('/cache/invalidate')
          .set(AUTH)
          .send({ patterns: [pattern] }),
      );
    });

    it('refuses repeated and unknown query parameters', async () => {
      expectClientError(await t.http().delete('/cache/clear?pattern=a*&pattern=b*').set(AUTH));
      expectClientError(await t.http().delete('/cache/clear?pattern=a*&force=1').set(AUTH));
      expectClientError(await get('/cache/keys?limit=5'));
    });
  });

  describe('keys (GET debug/key/:key)', () => {
    it.each([
      ['traversal', '../../etc/passwd'],
      ['traversal with backslashes', '..\\..\\windows'],
      ['CR LF', 'a\r\nSET x y'],
      ['NUL', 'a\u0000'],
      ['DEL', 'a\u007f'],
      ['over-long', 'k'.repeat(513)],
    ])('refuses a key with %s', async (_what, key) => {
      expectClientError(await get(`/cache/debug/key/${encodeURIComponent(key)}`));
      expectClientError(
        await t
          .http()
          .post('/cache/invalidate')
          .set(AUTH)
          .send({ keys: [key] }),
      );
    });

    it('refuses a malformed percent-encoding', async () => {
      expectClientError(await get('/cache/debug/key/%E0%A4%A'));
    });

    it('accepts a key of 512 characters', async () => {
      await get(`/cache/debug/key/${'k'.repeat(512)}`).expect(200);
    });
  });

  describe('cursors and counts (GET keys)', () => {
    it.each(['abc', '1:2:3', '-1', '0:', ':5', '00000:1', '0:1e3', '0:123456789012345678901'])(
      'refuses cursor %j',
      async (cursor) => expectClientError(await get('/cache/keys').query({ cursor })),
    );

    it('refuses a cursor beyond 64 bits, and a node that does not exist', async () => {
      expectClientError(await get('/cache/keys').query({ cursor: '0:99999999999999999999' }));
      expectClientError(await get('/cache/keys').query({ cursor: '7:0' }));
      // neither reached Redis: the circuit is still closed
      const stats = await get('/cache/stats').expect(200);
      expect(stats.body.redis.circuit).toBe('closed');
    });

    it.each(['0', '1001', '-5', '1.5', 'abc', ''])('refuses count %j', async (count) => {
      expectClientError(await get('/cache/keys').query({ count }));
    });

    it('accepts the bounds', async () => {
      await get('/cache/keys?count=1').expect(200);
      await get('/cache/keys?count=1000&cursor=0:0').expect(200);
    });
  });

  describe('bodies (POST invalidate, POST warm)', () => {
    const post = (url: string) => t.http().post(url).set(AUTH);

    it('answers 400 to malformed JSON, never 500', async () => {
      for (const url of ['/cache/invalidate', '/cache/warm']) {
        expectClientError(
          await post(url).set('Content-Type', 'application/json').send('{"tags": ['),
        );
        expectClientError(
          await post(url).set('Content-Type', 'application/json').send('{"tags": ["a",]}'),
        );
      }
    });

    it('refuses bodies that are not objects of known fields', async () => {
      expectClientError(await post('/cache/invalidate').send([{ tags: ['a'] }]));
      expectClientError(await post('/cache/invalidate').send({}));
      expectClientError(await post('/cache/invalidate').send({ tags: 'a' }));
      expectClientError(await post('/cache/invalidate').send({ tags: [1, 2] }));
      expectClientError(await post('/cache/invalidate').send({ everything: true }));
      // prototype keys are dropped by the transformer, never merged into anything
      const proto =
        '{"tags":["a"],"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}';
      await post('/cache/invalidate')
        .set('Content-Type', 'application/json')
        .send(proto)
        .expect(200);
      expectClientError(
        await post('/cache/invalidate').send({
          tags: Array.from({ length: 1001 }, (_, i) => `t${i}`),
        }),
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('takes null fields as absent', async () => {
      await post('/cache/invalidate')
        .send({ tags: null, patterns: ['nothing:*'] })
        .expect(200);
      await post('/cache/warm').send({ jobs: null }).expect(200);
    });

    it('answers 400 naming an unknown warmup job, and to other bad warm bodies', async () => {
      const res = await post('/cache/warm').send({ jobs: ['known', 'nope'] });
      expectClientError(res);
      expect(res.body.message).toMatch(/unknown warmup job\(s\): "nope"/);
      expectClientError(await post('/cache/warm').send({ jobs: [] }));
      expectClientError(await post('/cache/warm').send({ jobs: 'known' }));
      expectClientError(await post('/cache/warm').send({ jobs: ['known'], now: true }));
      await post('/cache/warm')
        .send({ jobs: ['known'] })
        .expect(200);
    });

    it('answers 413 above 64 KB, and the platform answers 413 above its own limit', async () => {
      const tags = (bytes: number) => ({
        tags: Array.from({ length: Math.ceil(bytes / 100) }, () => 't'.repeat(90)),
      });
      expectClientError(await post('/cache/invalidate').send(tags(70 * 1024)), 413);
      expectClientError(await post('/cache/invalidate').send(tags(200 * 1024)), 413);
      expectClientError(await post('/cache/warm').send({ jobs: ['x'.repeat(70 * 1024)] }), 413);
    });

    it('checks the token before the body', async () => {
      await t.http().post('/cache/invalidate').send({ nonsense: 1 }).expect(401);
    });
  });
});
