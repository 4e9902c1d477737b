// What only a real Redis shows: the prefix boundary, corrupt payloads, several instances sharing
// one Redis, compression, and batch reads as one command.
import type { CacheModuleOptions } from '@app/cache';
import { RedisServer } from '../support/redis-server';
import { isEntry, payloadOf } from '../support/stored-entry';
import { waitFor } from '../support/wait-for';
import { bootCache, uniquePrefix, type CacheApp } from './boot-cache';
import { gatedLoader } from './cache-contract-values';

jest.setTimeout(20_000);

let server: RedisServer;
let apps: CacheApp[] = [];
let prefix: string;

beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(() => server?.shutdown());
beforeEach(() => {
  prefix = uniquePrefix('rs');
});
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
});

/** An instance on the shared Redis (memory + Redis), under `prefix` unless told otherwise. */
async function instance(options: CacheModuleOptions = {}): Promise<CacheApp> {
  const app = await bootCache({ redis: server.url, keyPrefix: prefix, ...options });
  apps.push(app);
  return app;
}

const exists = async (key: string) => (await server.cli('exists', key)) === '1';

/** Runs a write on one instance and waits until `observer` has received its bus messages. */
async function announced(observer: CacheApp, messages: number, write: () => Promise<unknown>) {
  const epoch = observer.engine.invalidator.epoch;
  await write();
  await waitFor(() => observer.engine.invalidator.epoch >= epoch + messages, {
    message: 'the bus message never arrived',
  });
}

async function commandCalls(command: string): Promise<number> {
  const stats = await server.cli('info', 'commandstats');
  return Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
}

describe('the prefix boundary', () => {
  it('invalidatePattern and clear never touch a key outside the prefix', async () => {
    const { cache } = await instance();
    const neighbour = await instance({ keyPrefix: `${prefix}x` }); // shares the string prefix
    const foreign = [
      'foreign:1',
      'other:d:x',
      prefix,
      `other-${prefix}:v2:d:x`,
      `d:${prefix}:v2:d:a`,
    ];
    for (const key of foreign) await server.cli('set', key, 'x');
    await neighbour.cache.set('a', 'theirs', { tags: ['tag'], namespace: 'ns' });
    await cache.mset(['a', 'b', 'c'].map((key) => ({ key, value: key, tags: ['tag'] })));

    expect(await cache.invalidatePattern('*')).toBe(3);
    expect(await server.cli('keys', `${prefix}:v2:d:*`)).toBe('');
    await cache.set('a', 'again', { tags: ['tag'], namespace: 'ns' });
    expect(await cache.clear()).toBeGreaterThanOrEqual(1);
    // clear() marks: nothing is deleted in the call, every entry reads as absent
    expect(await cache.mget(['a', 'b', 'c'])).toEqual([undefined, undefined, undefined]);

    for (const key of foreign) expect(await server.cli('get', key)).toBe('x');
    for (const key of [`${prefix}x:v2:d:a`, `${prefix}x:v2:m`]) {
      expect(await exists(key)).toBe(true);
    }
    // the neighbour's memory was not cleared by our bus messages either
    expect(neighbour.engine.memory?.get('a')?.v).toBe('theirs');
    expect(await neighbour.cache.get('a')).toBe('theirs');
  });
});

describe('corrupt payloads', () => {
  const garbage = ['garbage{{', '{"not":"an envelope"}', 'Znot-deflated', 'T{', 'null'];

  it.each(garbage)('%j reads as a miss, is deleted from Redis, and nothing throws', async (bad) => {
    const { cache } = await instance();
    await server.cli('set', `${prefix}:v2:d:bad`, bad);
    await cache.set('good', 'fine');
    await expect(cache.get('bad')).resolves.toBeUndefined();
    expect(cache.stats().errors).toBe(1);
    await waitFor(async () => !(await exists(`${prefix}:v2:d:bad`)), {
      message: 'the undecodable entry is still in Redis',
    });
    await server.cli('set', `${prefix}:v2:d:bad`, bad);
    expect(await cache.mget(['bad', 'good'])).toEqual([undefined, 'fine']);
  });

  it('getOrSet calls the loader over a corrupt entry and stores a good one', async () => {
    const { cache } = await instance();
    await server.cli('set', `${prefix}:v2:d:k`, 'garbage{{');
    const loader = jest.fn(async () => ({ fresh: true }));
    await expect(cache.getOrSet('k', loader)).resolves.toEqual({ fresh: true });
    expect(loader).toHaveBeenCalledTimes(1);
    expect(payloadOf(await server.cli('get', `${prefix}:v2:d:k`))?.startsWith('{')).toBe(true);

    const other = await instance(); // reads Redis, not the first instance's memory
    await expect(other.cache.getOrSet('k', loader)).resolves.toEqual({ fresh: true });
    expect(loader).toHaveBeenCalledTimes(1);
  });
});

describe('two instances sharing one Redis', () => {
  it('B reads what A wrote, exactly, and forgets it when A deletes or rewrites it', async () => {
    const a = await instance();
    const b = await instance();
    const value = { at: new Date(5), ids: new Set([1n, 2n]), m: new Map([['k', null]]), z: 0 };
    await announced(b, 1, () => a.cache.set('k', value));
    expect(await b.cache.get('k')).toStrictEqual(value);
    expect(b.engine.memory?.get('k')).toBeDefined(); // B now serves it from its own memory

    await a.cache.set('k', 'rewritten');
    await waitFor(async () => (await b.cache.get('k')) === 'rewritten', {
      message: 'B kept serving the value A overwrote',
    });
    expect(await a.cache.delete('k')).toBe(1);
    await waitFor(async () => (await b.cache.get('k')) === undefined, {
      message: 'B kept serving the key A deleted',
    });
  });

  it("A's tag invalidation and clear reach B's memory", async () => {
    const a = await instance();
    const b = await instance();
    await announced(b, 1, () => a.cache.mset([{ key: 't1', value: 1, tags: ['group'] }]));
    await announced(b, 1, () => a.cache.set('t2', 2));
    expect(await b.cache.mget(['t1', 't2'])).toEqual([1, 2]);
    expect(b.engine.memory?.size).toBe(2);

    expect(await a.cache.invalidateTags('group')).toBe(1);
    await waitFor(() => b.engine.memory?.get('t1') === undefined, { message: 'tag not applied' });
    expect(await b.cache.get('t2')).toBe(2);
    await a.cache.clear();
    await waitFor(() => b.engine.memory?.size === 0, { message: 'clear did not reach B' });
  });
});

describe('the invalidation ledger', () => {
  it.each(['invalidateTags', 'delete', 'clear'] as const)(
    'no instance reads the result of a load that another instance overtook with %s',
    async (how) => {
      const a = await instance({ memory: false }); // no memory tier to keep it in
      const b = await instance();
      const { loader, release, started } = gatedLoader('stale');
      const loading = a.cache.getOrSet('k', loader, { tags: ['t'] });
      await started();
      if (how === 'invalidateTags') await b.cache.invalidateTags('t');
      else if (how === 'delete') await b.cache.delete('k');
      else await b.cache.clear();
      release();
      expect(await loading).toBe('stale');
      // a delete's tombstone refuses the write; a tag or clear() marker is above its stamp (the
      // write may land, if the load finished before its instance heard of the marker: unreadable)
      if (how === 'delete')
        expect(isEntry(await server.cli('get', `${prefix}:v2:d:k`))).toBe(false);
      const c = await instance({ memory: false }); // one that never saw any of it
      for (const reader of [a, b, c]) expect(await reader.cache.get('k')).toBeUndefined();
    },
  );
});

describe('compression', () => {
  it('stores a value above compressThreshold deflated and reads it back exactly', async () => {
    const a = await instance({ compressThreshold: 1024 });
    const rows = Array.from({ length: 500 }, (_, id) => ({
      id,
      name: `row ${id}`,
      at: new Date(id),
    }));
    const big = { rows, note: 'x'.repeat(2000) };
    await a.cache.set('big', big);
    await a.cache.set('small', { id: 1 });

    const raw = payloadOf(await server.cli('get', `${prefix}:v2:d:big`))!;
    expect(raw.startsWith('Z')).toBe(true);
    expect(raw.length).toBeLessThan(JSON.stringify(big).length / 4);
    expect(payloadOf(await server.cli('get', `${prefix}:v2:d:small`))?.startsWith('{')).toBe(true);

    const b = await instance({ compressThreshold: 1024 });
    expect(await b.cache.get('big')).toStrictEqual(big);
    expect(await b.cache.mget(['small', 'big'])).toStrictEqual([{ id: 1 }, big]);
  });
});

describe('long arrays', () => {
  const rows = Array.from({ length: 20_000 }, (_, id) => ({
    id,
    name: `row ${id}`,
    total: id / 2,
  }));

  it('are stored in slices, read back exactly by another instance, which fills its memory', async () => {
    const a = await instance({ compressThreshold: false });
    expect(await a.cache.getOrSet('rows', () => ({ rows, total: rows.length }))).toStrictEqual({
      rows,
      total: rows.length,
    });
    const raw = payloadOf(await server.cli('get', `${prefix}:v2:d:rows`))!;
    // S<length of the JSON>:<JSON><slices>: the JSON holds the list's place, not its rows
    expect(raw.startsWith('S')).toBe(true);
    expect(Number(raw.slice(1, raw.indexOf(':')))).toBeLessThan(2_000);

    const b = await instance();
    expect(b.cache.stats().memory?.entries).toBe(0);
    expect(await b.cache.get('rows')).toStrictEqual({ rows, total: rows.length });
    // memory holds it, at its measured heap size (well above the JSON's length)
    expect(b.cache.stats().memory?.entries).toBe(1);
    expect(b.cache.stats().memory!.bytes).toBeGreaterThan(raw.length);
  });

  it('set() of a large value encodes in steps, and a delete() issued right after it wins', async () => {
    const a = await instance({ compressThreshold: 1024 });
    let turns = 0;
    let running = true;
    void (async () => {
      while (running) {
        turns++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await a.cache.set('listed', rows);
    running = false;
    expect(turns).toBeGreaterThan(10); // the loop ran while the rows were encoded
    const b = await instance();
    expect(await b.cache.get('listed')).toStrictEqual(rows);

    // not awaited: the delete is issued while the set is still encoding
    const setting = a.cache.set('listed', rows.slice(1));
    await a.cache.delete('listed');
    await setting;
    expect(await a.cache.get('listed')).toBeUndefined();
    // Redis refused the set's write under the delete's tombstone: a new instance finds nothing
    expect(await (await instance()).cache.get('listed')).toBeUndefined();
  });

  it('a value measured above memory.maxBytes is served from Redis and not kept in memory', async () => {
    const a = await instance({ memory: { maxBytes: 1024 * 1024 } });
    await a.cache.set('rows', rows);
    const b = await instance({ memory: { maxBytes: 1024 * 1024 } });
    expect(await b.cache.get('rows')).toStrictEqual(rows);
    expect(b.cache.stats().memory?.entries).toBe(0);
    const loaded = await a.cache.getOrSet('loaded', () => rows);
    expect(loaded).toStrictEqual(rows);
    expect(a.cache.stats().memory?.entries).toBe(0);
  });
});

describe('batch reads', () => {
  it('mget of 10 keys missing from memory is one MGET', async () => {
    const a = await instance();
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    await a.cache.mset(keys.map((key, i) => ({ key, value: i })));
    const b = await instance(); // its memory holds none of them
    const before = await commandCalls('mget');
    expect(await b.cache.mget(keys)).toEqual(keys.map((_, i) => i));
    expect((await commandCalls('mget')) - before).toBe(1);
    // now in B's memory: a second mget costs Redis nothing
    expect(await b.cache.mget(keys)).toEqual(keys.map((_, i) => i));
    expect((await commandCalls('mget')) - before).toBe(1);
  });
});
