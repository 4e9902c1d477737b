import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { startApp, TOKEN } from './support/admin-app';

describe('admin API in OpenAPI', () => {
  it('documents every endpoint at the mounted path, with bearer auth', async () => {
    const t = await startApp({ redis: null, admin: { path: 'ops/cache', token: TOKEN } });
    try {
      const config = new DocumentBuilder().addBearerAuth().build();
      const doc = SwaggerModule.createDocument(t.app, config);
      expect(Object.keys(doc.paths).sort()).toEqual(
        [
          'alerts',
          'clear',
          'clear/user/{id}',
          'debug/key/{key}',
          'health',
          'health/detailed',
          'invalidate',
          'keys',
          'metrics',
          'performance',
          'stats',
          'test',
          'warm',
        ].map((p) => `/ops/cache/${p}`),
      );
      const stats = doc.paths['/ops/cache/stats'].get!;
      expect(stats.tags).toEqual(['cache admin']);
      expect(stats.security).toEqual([{ bearer: [] }]);
      expect(Object.keys(stats.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
      const keys = doc.paths['/ops/cache/keys'].get!;
      expect(keys.parameters?.map((p) => ('name' in p ? p.name : '')).sort()).toEqual([
        'count',
        'cursor',
        'pattern',
      ]);
      // seed 004's calls: POST clear takes its pattern in the body, beside DELETE clear
      const clear = doc.paths['/ops/cache/clear'];
      expect(clear.delete).toBeDefined();
      expect(JSON.stringify(clear.post?.requestBody)).toContain('ClearBodyDto');
      expect(doc.components?.schemas?.ClearBodyDto).toMatchObject({
        properties: { pattern: { type: 'string' } },
      });
      expect(doc.paths['/ops/cache/clear/user/{id}'].post?.responses).toHaveProperty('400');
    } finally {
      await t.close();
    }
  });
});
