import { type ResolvedCacheOptions } from '@app/cache';
import { CACHE_OPTIONS } from '@app/cache/testing';
import { RedisServer } from '../../support/redis-server';
import { TOPOLOGIES, useTopology } from '../../support/topology';
import { waitFor } from '../../support/wait-for';
import { bootApp, uniquePrefix, type DecoratorsApp } from '../support/decorators-app';
import { CatalogService } from './catalog.service';

describe.each(TOPOLOGIES)('@Cached and @InvalidateOn on provider methods (Redis %s)', (name) => {
  const topology = useTopology(name);
  let app: DecoratorsApp;
  let catalog: CatalogService;
  /** Redis holds a readable entry for the key (lazily invalidated ones are not: a marker is above them) */
  const stored = async (key: string) => {
    const found = await app.engine.reader.stored(key);
    return typeof found === 'object' && found?.envelope !== undefined;
  };

  beforeEach(async () => {
    app = await bootApp(
      { providers: [CatalogService] },
      { redis: topology.redis, keyPrefix: topology.prefix('providers') },
    );
    catalog = app.app.get(CatalogService);
  });
  afterEach(() => app.close());

  it('caches an async method in both tiers under <namespace>:<key>', async () => {
    const first = await catalog.item(7);
    const second = await catalog.item(7);
    expect(second).toEqual(first);
    expect(catalog.calls.item).toBe(1);
    expect(await stored('catalog:item:7')).toBe(true);
    await catalog.item(8);
    expect(catalog.calls.item).toBe(2);
  });

  it('caches calls made through this.method() inside the class', async () => {
    const [a, b] = await catalog.pair(3);
    expect(a).toEqual(b);
    expect(catalog.calls.item).toBe(1);
  });

  it('runs the method once for concurrent calls of one missing key', async () => {
    let open!: () => void;
    catalog.gate = new Promise((resolve) => (open = resolve));
    const calls = Array.from({ length: 10 }, () => catalog.item(1));
    await waitFor(() => catalog.calls.item === 1);
    open();
    const results = await Promise.all(calls);
    expect(new Set(results.map((r) => r.loadedAt))).toEqual(new Set([1]));
    expect(catalog.calls.item).toBe(1);
  });

  it('keys by a digest of the arguments that ignores object key order', async () => {
    await catalog.search({ q: 'chair', page: 1, sort: 'asc' });
    await catalog.search({ sort: 'asc', page: 1, q: 'chair' });
    expect(catalog.calls.search).toBe(1);
    await catalog.search({ q: 'chair', page: 2 });
    expect(catalog.calls.search).toBe(2);
    const keys = await topology.keys(app.engine.layout.data('CatalogService:*'));
    const searchKey = app.engine.layout.data('CatalogService:CatalogService.search:');
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key.startsWith(searchKey)).toBe(true);
      expect(key.slice(searchKey.length)).toMatch(/^[\w-]{22}$/); // the arguments' digest
    }
  });

  it('keeps a sync method sync, cached in memory only', async () => {
    const first = catalog.price(2);
    expect(first).toBe(21);
    expect(catalog.price(2)).toBe(21);
    expect(catalog.calls.price).toBe(1);
    expect(await stored('catalog:price:2')).toBe(false);
    expect(app.engine.memory?.get('catalog:price:2')?.v).toBe(21);
  });

  it('learns from the first call that a plain method returning a promise is async', async () => {
    await expect(catalog.legacy(1)).resolves.toEqual({ id: 1 });
    await expect(catalog.legacy(1)).resolves.toEqual({ id: 1 });
    expect(catalog.calls.legacy).toBe(1);
    expect(await stored('catalog:legacy:1')).toBe(true);
  });

  it('skips the cache when condition is false, and does not store when unless is true', async () => {
    await catalog.conditional(0);
    await catalog.conditional(0);
    expect(catalog.calls.conditional).toBe(2);
    await catalog.conditional(1);
    await catalog.conditional(1);
    expect(catalog.calls.conditional).toBe(3);

    expect(await catalog.maybe(0)).toBeNull();
    expect(await catalog.maybe(0)).toBeNull();
    await catalog.maybe(13);
    await catalog.maybe(13);
    expect(catalog.calls.maybe).toBe(4);
    await catalog.maybe(5);
    await catalog.maybe(5);
    expect(catalog.calls.maybe).toBe(5);
  });

  it('stores null like any other value', async () => {
    expect(await catalog.nullable(1)).toBeNull();
    expect(await catalog.nullable(1)).toBeNull();
    expect(catalog.calls.nullable).toBe(1);
  });

  it('takes the TTL from a function of the result and the arguments', async () => {
    await catalog.timed({ id: 4, vip: true });
    await catalog.timed({ id: 5, vip: false });
    const vipTtl = await app.engine.ttl('catalog:ttl:4');
    expect(vipTtl).toBeGreaterThan(480);
    expect(vipTtl).toBeLessThanOrEqual(504);
    expect(await app.engine.ttl('catalog:ttl:5')).toBeLessThanOrEqual(20);
  });

  it('invalidates tags after the method succeeds, before its promise resolves', async () => {
    await catalog.item(1);
    await catalog.item(2);
    await catalog.rename(1);
    expect(await stored('catalog:item:1')).toBe(false);
    expect(app.engine.memory?.get('catalog:item:1')).toBeUndefined();
    expect(await stored('catalog:item:2')).toBe(true);
    await catalog.item(1);
    await catalog.item(2);
    expect(catalog.calls.item).toBe(3);
  });

  it('invalidates nothing when the method throws', async () => {
    await catalog.item(1);
    await expect(catalog.renameAll(true)).rejects.toThrow('origin refused');
    expect(await stored('catalog:item:1')).toBe(true);
    await catalog.renameAll();
    expect(await stored('catalog:item:1')).toBe(false);
  });

  it('invalidates keys and patterns relative to the prefix', async () => {
    catalog.price(9);
    await catalog.conditional(1);
    await catalog.conditional(2);
    await catalog.reprice(9);
    expect(app.engine.memory?.get('catalog:price:9')).toBeUndefined();
    expect(await stored('catalog:cond:1')).toBe(false);
    expect(await stored('catalog:cond:2')).toBe(false);
  });

  it('lets a sync @InvalidateOn method stay sync: memory at once, Redis right after', async () => {
    await catalog.item(1);
    expect(catalog.dropAllSync()).toBe('dropped');
    expect(app.engine.memory?.get('catalog:item:1')).toBeUndefined();
    await waitFor(async () => !(await stored('catalog:item:1')));
  });

  it('keeps the metadata of the original on the wrapped method', () => {
    expect(Object.prototype.hasOwnProperty.call(catalog, 'item')).toBe(true);
    expect(catalog.item.name).toBe('item');
    expect(app.app.get<ResolvedCacheOptions>(CACHE_OPTIONS).enabled).toBe(true);
  });
});

describe('with enabled: false', () => {
  let redis: RedisServer;
  let app: DecoratorsApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await app?.close();
    await redis.shutdown();
  });

  it('every decorated method is a plain call', async () => {
    const prefix = uniquePrefix('disabled');
    app = await bootApp(
      { providers: [CatalogService] },
      { redis: redis.url, keyPrefix: prefix, enabled: false },
    );
    const catalog = app.app.get(CatalogService);
    await catalog.item(1);
    await catalog.item(1);
    catalog.price(1);
    catalog.price(1);
    await catalog.rename(1);
    expect(catalog.calls).toMatchObject({ item: 2, price: 2, rename: 1 });
    expect(Object.prototype.hasOwnProperty.call(catalog, 'item')).toBe(false);
    expect(await redis.cli('--scan', '--pattern', `${prefix}:*`)).toBe('');
  });
});
