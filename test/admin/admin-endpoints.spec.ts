import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CacheService } from '@app/cache';
import { frame } from '@app/cache/testing';
import { TOPOLOGIES, entriesIn, useTopology } from '../support/topology';
import { AUTH, startApp, TOKEN, type TestApp } from './support/admin-app';

jest.setTimeout(30_000);

const warmed: string[] = [];

@Injectable()
class WarmJobs implements OnModuleInit {
  constructor(private readonly cache: CacheService) {}
  onModuleInit(): void {
    this.cache.registerWarmup({
      name: 'products',
      load: async () => {
        await this.cache.set('products:warm', 'w', { namespace: 'products' });
        warmed.push('products');
        return 1;
      },
    });
  }
}

const escape = (text: string) => text.replace(/[{}]/g, '\\$&');

/** The admin API on every topology: on a Cluster, SCAN, counts and clear() cover every master. */
describe.each(TOPOLOGIES)('admin API endpoints (Redis %s)', (mode) => {
  const topology = useTopology(mode);
  const prefix = topology.prefix('shop');
  let t: TestApp;
  let cache: CacheService;
  /** the raw Redis key of a cache key */
  const raw = (key: string) => t.engine.layout.data(key);

  // a block of its own, so that the app closes before the servers stop
  describe('on one app', () => {
    beforeAll(async () => {
      t = await startApp(
        {
          redis: topology.redis,
          keyPrefix: prefix,
          namespaces: { products: { ttl: 60 }, users: { ttl: 30 } },
          admin: { token: TOKEN },
          warmup: { onStartup: false },
        },
        { providers: [WarmJobs] },
      );
      cache = t.app.get(CacheService);
    });
    afterAll(async () => {
      await t?.close();
    });

    beforeEach(async () => {
      await cache.clear();
      await topology.cli('SET', 'foreign:1', 'x');
      await topology.cli('SET', 'other:d:products:1', 'x');
      await cache.set(
        'products:1',
        { name: 'comb', price: 3 },
        { namespace: 'products', tags: ['product:1'] },
      );
      await cache.set(
        'products:2',
        { name: 'brush', price: 5 },
        { namespace: 'products', tags: ['product:2'] },
      );
      await cache.set('users:1', { name: 'ann' }, { namespace: 'users' });
    });

    afterEach(async () => {
      // whatever an endpoint did, nothing outside the prefix was touched
      expect(await topology.cli('GET', 'foreign:1')).toBe('x');
      expect(await topology.cli('GET', 'other:d:products:1')).toBe('x');
    });

    it('GET health is public and reports Redis', async () => {
      const res = await t.http().get('/cache/health').expect(200);
      expect(res.body).toEqual({
        status: 'ok',
        backend: 'redis',
        redis: {
          version: expect.stringMatching(/^\d+\.\d+/),
          usedMemory: expect.any(Number),
          connectedClients: expect.any(Number),
          latencyMs: expect.any(Number),
        },
        hitRate: expect.any(Number),
      });
      expect(res.body.redis.connectedClients).toBeGreaterThanOrEqual(1);
    });

    it('GET health/detailed adds key counts, memory, connections, keyspace, mode, circuit, advice', async () => {
      const res = await t.http().get('/cache/health/detailed').set(AUTH).expect(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        mode,
        circuit: { state: 'closed', opened: 0 },
        keys: {
          source: 'redis',
          total: 3,
          byNamespace: { products: 2, users: 1 },
          truncated: false,
        },
        memory: {
          used: expect.any(Number),
          peak: expect.any(Number),
          fragmentation: expect.any(Number),
        },
        connections: { connectedClients: expect.any(Number) },
        keyspace: { hits: expect.any(Number), misses: expect.any(Number) },
        memoryTier: { entries: expect.any(Number), maxEntries: 10_000 },
        ttl: { default: 300, byNamespace: { products: 60, users: 30 } },
      });
      expect(Array.isArray(res.body.recommendations)).toBe(true);
    });

    it('GET stats is CacheService.stats()', async () => {
      await cache.getOrSet('products:3', () => 'x', { namespace: 'products' });
      await cache.getOrSet('products:3', () => 'y', { namespace: 'products' });
      const res = await t.http().get('/cache/stats').set(AUTH).expect(200);
      expect(res.body.namespaces.products).toMatchObject({
        hits: expect.any(Number),
        misses: expect.any(Number),
      });
      expect(res.body.namespaces.products.hits).toBeGreaterThanOrEqual(1);
      expect(res.body.latencyMs.miss).toMatchObject({
        p50: expect.any(Number),
        p99: expect.any(Number),
      });
      expect(res.body.memory).toEqual({ entries: expect.any(Number), bytes: expect.any(Number) });
    });

    it('DELETE clear?pattern= deletes matching keys under the prefix only', async () => {
      const res = await t
        .http()
        .delete('/cache/clear')
        .query({ pattern: 'products:*' })
        .set(AUTH)
        .expect(200);
      expect(res.body).toEqual({ deleted: 2 });
      expect(await topology.cli('EXISTS', raw('users:1'))).toBe('1');
      expect(await cache.get('products:1')).toBeUndefined();
    });

    it('DELETE clear without a pattern (or "*") clears the prefix, never the database', async () => {
      const res = await t.http().delete('/cache/clear').set(AUTH).expect(200);
      expect(res.body.deleted).toBeGreaterThanOrEqual(3);
      // clear() marks everything invalidated in one step; the reaper deletes the entries later
      expect(await cache.get('users:1')).toBeUndefined();
      expect((await listKeys('*', 100)).keys).toEqual([]);
      await cache.set('users:2', 1);
      await t.http().delete('/cache/clear?pattern=*').set(AUTH).expect(200);
      // "*" is clear() too: invalidated at once, deleted by the reaper later
      expect(await cache.get('users:2')).toBeUndefined();
      expect((await listKeys('*', 100)).keys).toEqual([]);
    });

    it('POST invalidate invalidates tags, namespaces, keys and patterns, with counts', async () => {
      const res = await t
        .http()
        .post('/cache/invalidate')
        .set(AUTH)
        .send({
          tags: ['product:1'],
          namespaces: ['users'],
          keys: ['products:2'],
          patterns: ['nothing:*'],
        })
        .expect(200);
      expect(res.body).toEqual({ tags: 1, namespaces: 1, keys: 1, patterns: 0 });
      // tags and namespaces are invalidated lazily (the reaper deletes later): none is listed
      expect((await listKeys('*', 100)).keys).toEqual([]);
      expect(await entriesIn(topology, raw('products:2'))).toBe(0);
    });

    it('POST warm runs every job, or the named ones', async () => {
      warmed.length = 0;
      const all = await t.http().post('/cache/warm').set(AUTH).send({}).expect(200);
      expect(all.body).toEqual({
        warmed: 1,
        failed: 0,
        durationMs: expect.any(Number),
        jobs: [{ name: 'products', ok: true, durationMs: expect.any(Number), keys: 1 }],
      });
      await t
        .http()
        .post('/cache/warm')
        .set(AUTH)
        .send({ jobs: ['products'] })
        .expect(200);
      await t.http().post('/cache/warm').set(AUTH).expect(200); // no body at all: every job
      expect(warmed).toEqual(['products', 'products', 'products']);
      expect(await cache.get('products:warm')).toBe('w');
    });

    it('GET warm lists the registered jobs', async () => {
      const res = await t.http().get('/cache/warm').set(AUTH).expect(200);
      expect(res.body).toEqual({ jobs: [{ name: 'products', running: false }] });
      await t.http().get('/cache/warm').expect(401);
    });

    it('GET debug/key/:key describes one entry', async () => {
      const res = await t.http().get('/cache/debug/key/products:1').set(AUTH).expect(200);
      expect(res.body).toMatchObject({
        key: 'products:1',
        exists: true,
        tier: 'both',
        namespace: 'products',
        tags: ['product:1'],
        value: { name: 'comb', price: 3 },
        stale: false,
      });
      expect(res.body.ttlRemaining).toBeGreaterThan(50);
      expect(res.body.ttlRemaining).toBeLessThanOrEqual(60);
      expect(res.body.sizeBytes).toBeGreaterThan(10);

      // framed as the engine would, stamped with the ledger's current seq
      const seq = Number(await topology.cli('HGET', t.engine.layout.ledger, 'seq'));
      const envelope = JSON.stringify({ v: 1, c: Date.now(), e: Date.now() + 9e5, s: 0, g: 0 });
      await topology.cli('SET', raw('weird/key'), frame(seq, envelope, undefined, undefined));
      const encoded = await t
        .http()
        .get(`/cache/debug/key/${encodeURIComponent('weird/key')}`)
        .set(AUTH)
        .expect(200);
      expect(encoded.body).toMatchObject({ exists: true, tier: 'redis', value: 1 });

      const missing = await t.http().get('/cache/debug/key/products:404').set(AUTH).expect(200);
      expect(missing.body).toMatchObject({
        exists: false,
        tier: null,
        ttlRemaining: null,
        sizeBytes: null,
      });
    });

    it('GET debug/key never reads outside the prefix', async () => {
      const res = await t.http().get('/cache/debug/key/foreign:1').set(AUTH).expect(200);
      expect(res.body.exists).toBe(false);
    });

    /** GET keys, page after page until the cursor is "0": the keys, and the nodes it named. */
    async function listKeys(pattern: string, count: number) {
      const keys = new Set<string>();
      const nodes = new Set(['0']); // a cursor is "<node>:<SCAN cursor>"
      let cursor = '0';
      let pages = 0;
      do {
        const res = await t
          .http()
          .get('/cache/keys')
          .query({ pattern, cursor, count })
          .set(AUTH)
          .expect(200);
        expect(res.body.source).toBe('redis');
        res.body.keys.forEach((k: string) => keys.add(k));
        cursor = res.body.cursor;
        expect(cursor).toMatch(/^(0|\d+:\d+)$/);
        nodes.add(cursor.split(':')[0]);
      } while (cursor !== '0' && ++pages < 100);
      return { keys: [...keys].sort(), nodes };
    }

    it('GET keys pages through SCAN with a cursor, over every master', async () => {
      const all = await listKeys('*', 1);
      expect(all.keys).toEqual(['products:1', 'products:2', 'users:1']);
      expect(all.nodes.size).toBe((await topology.masters()).length);
      // on a Cluster a page may be empty (a master without matches) and the cursor go on
      expect((await listKeys('products:*', 1000)).keys).toEqual(['products:1', 'products:2']);
    });

    it('GET performance reports hit rates by namespace and over time, slow misses and advice', async () => {
      await cache.getOrSet('users:9', () => 'x', { namespace: 'users' });
      const res = await t.http().get('/cache/performance').set(AUTH).expect(200);
      expect(res.body).toMatchObject({
        hitRate: expect.any(Number),
        byNamespace: { users: { hitRate: expect.any(Number), misses: expect.any(Number) } },
        slowestMisses: expect.arrayContaining([expect.objectContaining({ key: 'users:9' })]),
        recommendations: expect.any(Array),
      });
      expect(res.body.overTime.at(-1)).toMatchObject({ partial: true, misses: expect.any(Number) });
    });

    it('GET metrics is Prometheus text from a registry of its own', async () => {
      await cache.getOrSet('products:1', () => 'never', { namespace: 'products' });
      const res = await t.http().get('/cache/metrics').set(AUTH).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(res.text).toMatch(/# TYPE cache_hits_total counter/);
      const label = escape(`prefix="${prefix}"`);
      expect(res.text).toMatch(
        new RegExp(`cache_hits_total\\{namespace="products",${label}\\} [1-9]`),
      );
      expect(res.text).toMatch(new RegExp(`cache_memory_entries\\{${label}\\} \\d+`));
      expect(res.text).toMatch(new RegExp(`cache_circuit_state\\{${label}\\} 0`));
      const { register } = await import('prom-client');
      expect(await register.getSingleMetric('cache_hits_total')).toBeUndefined();
    });

    it('GET test runs a live round trip and leaves nothing behind', async () => {
      const res = await t.http().get('/cache/test').set(AUTH).expect(200);
      expect(res.body.ok).toBe(true);
      expect(res.body.backend).toBe('redis');
      expect(res.body.key).toMatch(/^__admin_test__:[0-9a-f-]{36}$/);
      expect(res.body.steps.map((s: { step: string; ok: boolean }) => [s.step, s.ok])).toEqual([
        ['set', true],
        ['get', true],
        ['exists', true],
        ['delete', true],
      ]);
      expect(await entriesIn(topology, raw(res.body.key))).toBe(0); // its delete's tombstone only
    });
  });
});
