// A value the cache cannot store never fails the call: @Cached methods, getOrSet and cached routes
// return it, store nothing, count it and warn once per method / route / key family; an explicit
// set() of it throws a coded error naming the key.
import { Controller, Get, Injectable } from '@nestjs/common';
import request from 'supertest';
import { Cached, CacheError, UncacheableValueError, type ValueSerializer } from '@app/cache';
import { RedisServer } from '../support/redis-server';
import { bootValuesApp, uniquePrefix, type ValuesApp } from './values-app';

interface Node {
  id: number;
  self?: Node;
}

const circular = (id: number): Node => {
  const node: Node = { id };
  node.self = node;
  return node;
};

const failing: ValueSerializer = {
  name: 'failing',
  encode: () => {
    throw new Error('no format for this');
  },
  decode: String,
};

@Injectable()
class GraphService {
  calls = 0;

  @Cached({ key: 'graph:{0}' })
  async graph(id: number): Promise<Node> {
    this.calls++;
    return circular(id);
  }

  @Cached({ key: 'sync:{0}' })
  graphSync(id: number): Node {
    this.calls++;
    return circular(id);
  }

  @Cached({ key: 'big' })
  async big(): Promise<string> {
    this.calls++;
    return 'x'.repeat(5_000);
  }

  @Cached({ key: 'odd', serializer: failing })
  async odd(): Promise<number> {
    this.calls++;
    return 7;
  }
}

@Controller('graph')
class GraphController {
  runs = 0;

  /** A cycle through a Map: Express sends it (a Map is {} in JSON), the cache cannot store it. */
  @Get()
  @Cached()
  linked(): { id: number; links: Map<string, unknown> } {
    this.runs++;
    const node = { id: 1, links: new Map<string, unknown>() };
    node.links.set('self', node);
    return node;
  }
}

describe('a value that cannot be cached', () => {
  let redis: RedisServer;
  let app: ValuesApp;
  let keyPrefix: string;
  let graphs: GraphService;
  const warningsAbout = (text: string) => app.logger.warnings.filter((w) => w.includes(text));
  const stored = async (key: string) => redis.cli('EXISTS', `${keyPrefix}:v2:d:${key}`);

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  beforeEach(async () => {
    keyPrefix = uniquePrefix('uncacheable');
    app = await bootValuesApp(
      { redis: redis.url, keyPrefix, maxValueBytes: 4_096 },
      { providers: [GraphService], controllers: [GraphController] },
    );
    graphs = app.get(GraphService);
  });
  afterEach(() => app.close());
  afterAll(() => redis.shutdown());

  it('@Cached async method: returns its value each call, stores nothing, warns once', async () => {
    const first = await graphs.graph(1);
    expect(first.self).toBe(first);
    const second = await graphs.graph(2);
    expect(second.self).toBe(second);
    await graphs.graph(1);
    expect(graphs.calls).toBe(3);
    expect(await stored('GraphService:graph:1')).toBe('0');
    expect(await app.cache.get('GraphService:graph:1')).toBeUndefined();
    const warnings = warningsAbout('GraphService.graph');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/circular reference/);
    expect(app.cache.stats().uncacheable).toBe(3);
    expect(app.cache.stats().namespaces.GraphService.uncacheable).toBe(3);
  });

  it('@Cached sync method: stays sync and returns its value', () => {
    const value = graphs.graphSync(1);
    expect(value).not.toBeInstanceOf(Promise);
    expect(value.self).toBe(value);
    expect(graphs.graphSync(1).id).toBe(1);
    expect(graphs.calls).toBe(2);
    expect(warningsAbout('GraphService.graphSync')).toHaveLength(1);
  });

  it('getOrSet: the loader value, nothing stored, one warning per key family', async () => {
    const loader = jest.fn(async () => circular(5));
    const user1 = await app.cache.getOrSet('user:1', loader);
    expect(user1.self).toBe(user1);
    expect((await app.cache.getOrSet('user:2', loader)).id).toBe(5);
    await app.cache.getOrSet('order:1', loader);
    expect(loader).toHaveBeenCalledTimes(3);
    expect(await stored('user:1')).toBe('0');
    expect(warningsAbout('user:')).toHaveLength(1);
    expect(warningsAbout('order:')).toHaveLength(1);
    expect(app.cache.stats().uncacheable).toBe(3);
  });

  it('a cached route answers 200 with the handler body every time, and warns once', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await request(app.server).get('/graph').expect(200);
      expect(res.body).toEqual({ id: 1, links: {} });
      expect(res.headers['x-cache']).toBe('MISS');
    }
    expect(app.get(GraphController).runs).toBe(2);
    expect(warningsAbout('GraphController.linked')).toHaveLength(1);
  });

  it('set(): rejects with a coded error that names the key, and stores nothing', async () => {
    const setting = app.cache.set('node:9', circular(9));
    await expect(setting).rejects.toThrow(UncacheableValueError);
    const err = (await setting.catch((e: unknown) => e)) as UncacheableValueError;
    expect(err).toBeInstanceOf(CacheError);
    expect(err.code).toBe('E_CACHE_UNCACHEABLE_VALUE');
    expect(UncacheableValueError.code).toBe('E_CACHE_UNCACHEABLE_VALUE');
    expect(err.name).toBe('UncacheableValueError');
    expect(err.key).toBe('node:9');
    expect(err.message).toMatch(/"node:9".*circular reference/);
    expect(await stored('node:9')).toBe('0');
    expect(await app.cache.get('node:9')).toBeUndefined();
    // mset: nothing of the batch is written when one entry cannot be
    await expect(
      app.cache.mset([
        { key: 'ok', value: 1 },
        { key: 'bad', value: circular(1) },
      ]),
    ).rejects.toThrow(/"bad"/);
    expect(await stored('ok')).toBe('0');
    expect(app.cache.stats().uncacheable).toBe(2);
    expect(app.logger.warnings).toHaveLength(0);
  });

  it('above maxValueBytes: returned, skipped with one warning; set() throws', async () => {
    expect(await graphs.big()).toHaveLength(5_000);
    expect(await graphs.big()).toHaveLength(5_000);
    expect(graphs.calls).toBe(2);
    const [warning] = warningsAbout('GraphService.big');
    expect(warning).toMatch(/above maxValueBytes \(4096\)/);
    await expect(app.cache.set('big', 'y'.repeat(5_000))).rejects.toThrow(/maxValueBytes/);
    await app.cache.set('small', 'y'.repeat(1_000));
    expect(await app.cache.get('small')).toHaveLength(1_000);
  });

  it('a serializer that throws: the value is returned, the reason is in the warning', async () => {
    expect(await graphs.odd()).toBe(7);
    expect(await graphs.odd()).toBe(7);
    expect(graphs.calls).toBe(2);
    expect(warningsAbout('GraphService.odd')).toEqual([
      expect.stringMatching(/serializer "failing" threw: no format for this/),
    ]);
  });

  it('a function is not a value: getOrSet returns it, set() refuses it', async () => {
    const fn = () => 1;
    expect(await app.cache.getOrSet('fn', () => fn)).toBe(fn);
    await expect(app.cache.set('fn', fn)).rejects.toThrow(/a function is not a value/);
  });
});
