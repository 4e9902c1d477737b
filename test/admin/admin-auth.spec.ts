import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { CacheModule } from '@app/cache';
import { AUTH, startApp, TOKEN, type TestApp } from './support/admin-app';

jest.setTimeout(30_000);

/** every protected endpoint, with a request that would succeed given access */
const PROTECTED: [string, string, object | null][] = [
  ['get', '/health/detailed', null],
  ['get', '/stats', null],
  ['delete', '/clear?pattern=x:*', null],
  ['post', '/invalidate', { tags: ['t'] }],
  ['post', '/warm', {}],
  ['get', '/warm', null],
  ['get', '/debug/key/k', null],
  ['get', '/keys', null],
  ['get', '/performance', null],
  ['get', '/metrics', null],
  ['get', '/test', null],
];

function call(t: TestApp, method: string, path: string, body: object | null, base = '/cache') {
  const req = (t.http() as unknown as Record<string, (url: string) => request.Test>)[method](
    base + path,
  );
  return body ? req.send(body) : req;
}

describe('admin API access', () => {
  const saved = process.env.CACHE_ADMIN_TOKEN;
  beforeAll(() => delete process.env.CACHE_ADMIN_TOKEN);
  afterAll(() => {
    if (saved !== undefined) process.env.CACHE_ADMIN_TOKEN = saved;
  });

  describe('with a token (memory-only)', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startApp({ redis: null, admin: { token: TOKEN } })));
    afterAll(() => t.close());

    it.each(PROTECTED)(
      '%s %s answers 401 without a token, 401 with a wrong one, 200 with it',
      async (m, p, b) => {
        const missing = await call(t, m, p, b).expect(401);
        expect(missing.body.message).toMatch(/bearer token is required/);
        await call(t, m, p, b).set('Authorization', 'Bearer wrong-token-0123456789').expect(401);
        await call(t, m, p, b).set('Authorization', `Bearer ${TOKEN}x`).expect(401);
        await call(t, m, p, b)
          .set('Authorization', `Basic ${Buffer.from(`a:${TOKEN}`).toString('base64')}`)
          .expect(401);
        await call(t, m, p, b).set('Authorization', TOKEN).expect(401);
        const ok = await call(t, m, p, b).set(AUTH);
        expect(ok.status).toBe(200);
      },
    );

    it('accepts the scheme in any case', async () => {
      await t.http().get('/cache/stats').set('Authorization', `bearer ${TOKEN}`).expect(200);
    });

    it('GET health needs no token', async () => {
      const res = await t.http().get('/cache/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', backend: 'memory', hitRate: expect.any(Number) });
    });
  });

  describe('with neither token nor guard', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startApp({ redis: null })));
    afterAll(() => t.close());

    it.each(PROTECTED)('%s %s answers 403, token or not', async (m, p, b) => {
      const res = await call(t, m, p, b).expect(403);
      expect(res.body.message).toMatch(/not configured/);
      await call(t, m, p, b).set(AUTH).expect(403);
    });

    it('keeps GET health public and logs a warning at bootstrap', async () => {
      await t.http().get('/cache/health').expect(200);
      expect(t.logger.warnings().join('\n')).toMatch(
        /admin API at \/cache has no admin.token .* answers 403/,
      );
    });
  });

  describe('with a custom guard', () => {
    @Injectable()
    class OpsGuard implements CanActivate {
      canActivate(context: ExecutionContext): boolean {
        return context.switchToHttp().getRequest().headers['x-role'] === 'ops';
      }
    }
    let t: TestApp;
    beforeAll(async () => (t = await startApp({ redis: null, admin: { guard: OpsGuard } })));
    afterAll(() => t.close());

    it('lets through what the guard allows and answers 403 otherwise', async () => {
      await t.http().get('/cache/stats').set('x-role', 'ops').expect(200);
      await t.http().get('/cache/stats').set('x-role', 'guest').expect(403);
      await t.http().get('/cache/stats').set(AUTH).expect(403); // no token configured: the guard decides
      expect(t.logger.warnings().join('\n')).not.toMatch(/has no admin.token/);
    });
  });

  describe('with a token and a guard', () => {
    @Injectable()
    class NeverGuard implements CanActivate {
      canActivate(): Promise<boolean> {
        return Promise.resolve(false);
      }
    }
    let t: TestApp;
    beforeAll(
      async () => (t = await startApp({ redis: null, admin: { token: TOKEN, guard: NeverGuard } })),
    );
    afterAll(() => t.close());

    it('accepts the token, else asks the guard', async () => {
      await t.http().get('/cache/stats').set(AUTH).expect(200);
      await t.http().get('/cache/stats').expect(403);
    });
  });

  describe('mounting', () => {
    it('admin: false mounts nothing', async () => {
      const t = await startApp({ redis: null, admin: false });
      try {
        await t.http().get('/cache/health').expect(404);
        await t.http().get('/cache/stats').set(AUTH).expect(404);
      } finally {
        await t.close();
      }
    });

    it('mounts at a custom admin.path', async () => {
      const t = await startApp({ redis: null, admin: { path: 'ops/cache', token: TOKEN } });
      try {
        await t.http().get('/ops/cache/health').expect(200);
        await t.http().get('/ops/cache/stats').set(AUTH).expect(200);
        await t.http().get('/ops/cache/stats').expect(401);
        await t.http().get('/cache/health').expect(404);
      } finally {
        await t.close();
      }
    });

    it('takes the path from a forRootAsync factory', async () => {
      const t = await startApp(null, {
        imports: [
          CacheModule.forRootAsync({
            useFactory: async () => ({
              redis: null,
              admin: { path: '/internal/cache/', token: TOKEN },
            }),
          }),
        ],
      });
      try {
        await t.http().get('/internal/cache/health').expect(200);
        await t.http().get('/internal/cache/stats').set(AUTH).expect(200);
        await t.http().get('/cache/health').expect(404);
      } finally {
        await t.close();
      }
    });

    it('admin: false from a forRootAsync factory leaves no admin route reachable', async () => {
      const t = await startApp(null, {
        imports: [CacheModule.forRootAsync({ useFactory: () => ({ redis: null, admin: false }) })],
      });
      try {
        await t.http().get('/cache/health').expect(404);
        await t.http().get('/cache/stats').set(AUTH).expect(404);
        await t.http().get('/__cache_admin_disabled__/health').expect(404);
      } finally {
        await t.close();
      }
    });

    it('gives two applications in one process their own paths', async () => {
      // both compiled before either registers its routes
      const [a, b] = await Promise.all(
        ['first', 'second'].map((path) =>
          Test.createTestingModule({
            imports: [CacheModule.forRoot({ redis: null, admin: { path } })],
          }).compile(),
        ),
      );
      const apps = [
        a.createNestApplication({ logger: false }),
        b.createNestApplication({ logger: false }),
      ];
      try {
        for (const app of apps) await app.init();
        await request(apps[0].getHttpServer()).get('/first/health').expect(200);
        await request(apps[1].getHttpServer()).get('/second/health').expect(200);
        await request(apps[0].getHttpServer()).get('/second/health').expect(404);
      } finally {
        for (const app of apps) await app.close();
      }
    });
  });
});
