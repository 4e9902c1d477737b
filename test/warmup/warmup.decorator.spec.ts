import { Controller, Get, Injectable, Module, Scope } from '@nestjs/common';
import { Cached, WarmUp } from '@app/cache';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { AUTH, startApp, TOKEN, type TestApp } from '../admin/support/admin-app';

jest.setTimeout(30_000);

const origin: string[] = [];
let argCalls = 0;

@Injectable()
class CatalogService {
  readonly ids = [1, 2];

  // args gets the instance, so it can use the provider's own state and dependencies
  @WarmUp({ args: (self: CatalogService) => self.ids.map((id) => [id]) })
  @Cached({ namespace: 'products', key: 'product:{0}', ttl: 60 })
  async product(id: number): Promise<{ id: number }> {
    origin.push(`product:${id}`);
    return { id };
  }

  // the other decorator order works the same
  @Cached({ namespace: 'products', key: 'top' })
  @WarmUp()
  async top(): Promise<number[]> {
    origin.push('top');
    return [1, 2];
  }

  @WarmUp({ cron: '*/1 * * * * *', args: () => ((argCalls += 1), [['x']]) })
  @Cached({ namespace: 'tags', key: 'tag:{0}' })
  async tag(name: string): Promise<string> {
    origin.push(`tag:${name}`);
    return name;
  }
}

describe('@WarmUp on @Cached methods', () => {
  let server: RedisServer;
  let t: TestApp;
  let catalog: CatalogService;

  beforeAll(async () => {
    server = await RedisServer.start();
    t = await startApp(
      {
        redis: server.url,
        keyPrefix: 'dec',
        namespaces: { products: { ttl: 60 }, tags: {} },
        admin: { token: TOKEN },
      },
      { providers: [CatalogService] },
    );
    catalog = t.app.get(CatalogService);
  });
  afterAll(async () => {
    await t?.close();
    await server?.shutdown();
  });

  it('warms each argument list at startup, which fills the cache', async () => {
    expect(origin.sort()).toEqual(['product:1', 'product:2', 'tag:x', 'top']);
    expect(
      await server.cli(
        'EXISTS',
        'dec:v2:d:products:product:1',
        'dec:v2:d:products:product:2',
        'dec:v2:d:products:top',
      ),
    ).toBe('3');
    // served from the cache now: the origin is not called again
    expect(await catalog.product(1)).toEqual({ id: 1 });
    expect(await catalog.top()).toEqual([1, 2]);
    expect(origin).toHaveLength(4);
  });

  it('registers jobs named Class.method, run on POST warm', async () => {
    const res = await t
      .http()
      .post('/cache/warm')
      .set(AUTH)
      .send({ jobs: ['CatalogService.product', 'CatalogService.top'] })
      .expect(200);
    expect(res.body).toMatchObject({
      warmed: 2,
      failed: 0,
      jobs: [
        { name: 'CatalogService.product', ok: true, keys: 2 },
        { name: 'CatalogService.top', ok: true, keys: 1 },
      ],
    });
    expect(origin).toHaveLength(4); // still cached
    await t.http().delete('/cache/clear?pattern=products:*').set(AUTH).expect(200);
    await t
      .http()
      .post('/cache/warm')
      .set(AUTH)
      .send({ jobs: ['CatalogService.product'] })
      .expect(200);
    expect(origin.filter((o) => o === 'product:1')).toHaveLength(2);
    expect(await server.cli('EXISTS', 'dec:v2:d:products:product:1')).toBe('1');
  });

  it('runs a method again on its @WarmUp cron', async () => {
    const before = argCalls;
    await waitFor(() => argCalls >= before + 2, {
      timeoutMs: 5_000,
      message: 'the @WarmUp cron did not fire twice',
    });
  });
});

describe('@WarmUp misuse', () => {
  it('warns about a method that is not @Cached, and about a request-scoped provider', async () => {
    @Injectable()
    class Plain {
      @WarmUp()
      load(): number {
        return 1;
      }
    }
    @Injectable({ scope: Scope.REQUEST })
    class PerRequest {
      @WarmUp()
      @Cached()
      async load(): Promise<number> {
        return 1;
      }
    }
    @Controller('reports')
    class Reports {
      @Get()
      @WarmUp()
      @Cached()
      list(): number[] {
        return [];
      }
    }
    // one class provided by two modules: one job, warming the shared cache
    @Module({ providers: [CatalogService] })
    class Again {}
    const t = await startApp(
      { redis: null, namespaces: { products: {}, tags: {} } },
      { imports: [Again], providers: [Plain, PerRequest, CatalogService], controllers: [Reports] },
    );
    try {
      const warnings = t.logger.warnings().join('\n');
      expect(warnings).toMatch(/@WarmUp on Reports.list is ignored: it is a route handler/);
      expect(warnings).toMatch(/@WarmUp on Plain.load: the method is not @Cached/);
      expect(warnings).toMatch(
        /@WarmUp on PerRequest.load is ignored: its provider is not a singleton/,
      );
    } finally {
      await t.close();
    }
  });

  it('fails at bootstrap on an invalid cron, naming Class.method', async () => {
    @Injectable()
    class Nightly {
      @WarmUp({ cron: 'at midnight' })
      @Cached()
      async report(): Promise<number> {
        return 1;
      }
    }
    await expect(startApp({ redis: null }, { providers: [Nightly] })).rejects.toThrow(
      /warmup job "Nightly.report": invalid cron expression "at midnight"/,
    );
  });
});
