// Where the dashboard is mounted, and when it is not: no browser needed, the HTTP answers say it.
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { CacheModule, type CacheModuleOptions } from '@app/cache';
import { startApp, TOKEN } from '../admin/support/admin-app';

describe('dashboard mounting', () => {
  it.each([
    ['admin: false', false as const],
    ['admin.dashboard: false', { token: TOKEN, dashboard: false }],
  ])('%s mounts no dashboard route', async (_label, admin) => {
    const t = await startApp({ redis: null, admin });
    try {
      await t.http().get('/cache/dashboard').expect(404);
      await t.http().get('/cache/dashboard/app.js').expect(404);
    } finally {
      await t.close();
    }
  });

  it('admin.dashboard: false from a forRootAsync factory answers 404 too', async () => {
    const options: CacheModuleOptions = { redis: null, admin: { token: TOKEN, dashboard: false } };
    const t = await startApp(null, {
      imports: [CacheModule.forRootAsync({ useFactory: () => options })],
    });
    try {
      await t.http().get('/cache/dashboard').expect(404);
      await t.http().get('/cache/dashboard/app.js').expect(404);
      await t.http().get('/cache/stats').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    } finally {
      await t.close();
    }
  });

  it('refuses an invalid admin.dashboard at bootstrap, naming it', async () => {
    await expect(
      startApp({ redis: null, admin: { dashboard: 'yes' as unknown as boolean } }),
    ).rejects.toThrow('Invalid cache option "admin.dashboard"');
  });

  it('follows admin.path and the global prefix, and serves only its own files', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [CacheModule.forRoot({ redis: null, admin: { token: TOKEN, path: 'ops/cache' } })],
    }).compile();
    const app = moduleRef.createNestApplication();
    app.setGlobalPrefix('api');
    await app.init();
    try {
      const http = () => request(app.getHttpServer());
      const page = await http().get('/api/ops/cache/dashboard/').expect(200);
      expect(page.text).toContain('src="/api/ops/cache/dashboard/app.js"');
      await http().get('/api/ops/cache/dashboard/app.js').expect(200);
      for (const name of ['index.html', 'dashboard.ts', '..%2Fdashboard.ts', 'nope.css']) {
        await http().get(`/api/ops/cache/dashboard/${name}`).expect(404);
      }
    } finally {
      await app.close();
    }
  });

  it('is served on Fastify with the same headers', async () => {
    const t = await startApp({ redis: null, admin: { token: TOKEN } }, {}, 'fastify');
    try {
      const page = await t.http().get('/cache/dashboard').expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.text).toContain('src="/cache/dashboard/uplot.js"');
      const script = await t.http().get('/cache/dashboard/uplot.js').expect(200);
      expect(script.headers['content-type']).toMatch(/javascript/);
    } finally {
      await t.close();
    }
  });
});
