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
          'clear',
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
    } finally {
      await t.close();
    }
  });
});
