// Redis failures under load, on real servers that are SIGKILLed, SIGSTOPped and restarted:
// callers never wait longer than one command timeout (plus scheduling margin), never see an
// error, nothing piles up while Redis is gone, and the cache uses Redis again once it is back,
// after replaying the invalidations it could not deliver during the outage. On a redis-server,
// on Sentinel (the master fails: within Sentinel's down-after, no failover) and on a 3-master
// Cluster (the master that holds the keys' slot fails).
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { payloadOf } from '../support/stored-entry';
import { TOPOLOGIES, entriesIn, useTopology, type TopologyName } from '../support/topology';
import {
  COMMAND_TIMEOUT_MS,
  CallStream,
  HOT_KEYS,
  RedisServer,
  collectGarbage,
  commandQueueLength,
  dataKey,
  freePort,
  readsRedisWithin,
  startInstance,
  stopStreams,
  timed,
  uniquePrefix,
  untilHealthy,
  waitFor,
  warm,
  watchUnhandledRejections,
  writeDirect,
  type Instance,
} from './helpers';

jest.setTimeout(60_000);

/** Scheduling margin on a loaded 2-core machine; the bound is still one command timeout. */
const MARGIN_MS = 500;
/** Redis keeps its data across SIGKILL + restart, so replayed invalidations have work to do. */
const AOF = ['--appendonly', 'yes', '--appendfsync', 'always'];

type Fault = 'kill' | 'dropped connection' | 'freeze' | 'long freeze';
/**
 * The faults that mean something on each topology. A Cluster client has no one connection whose
 * close opens the circuit (one master's does not: calls to it fail until the breaker opens), so
 * the dropped connection is a single connection's (Sentinel's reconnects through the sentinels).
 * The long freeze checks the breaker and the command queues of the data connections: Sentinel's
 * is a standalone one once connected, a Cluster has a queue per master.
 */
const FAULTS: Record<TopologyName, Fault[]> = {
  standalone: ['kill', 'dropped connection', 'freeze', 'long freeze'],
  sentinel: ['kill', 'dropped connection', 'freeze'],
  cluster: ['kill', 'freeze', 'long freeze'],
};

let rejections: ReturnType<typeof watchUnhandledRejections>;
beforeEach(() => (rejections = watchUnhandledRejections()));
afterEach(async () => {
  await stopStreams(); // also when a test failed half-way
  rejections.stop();
  expect(rejections.seen).toEqual([]);
});

describe.each(TOPOLOGIES)('on %s', (name) => {
  const topology = useTopology(name, { args: AOF });
  const faults = FAULTS[name];
  /** A test that runs where its fault means something (listed as skipped elsewhere). */
  const itFor = (fault: Fault) => (faults.includes(fault) ? it : it.skip);
  /** the raw Redis key of an instance's key */
  const raw = (instance: Instance, key: string) => instance.engine.layout.data(key);

  describe('Redis SIGKILLed during a stream of calls', () => {
    let servers: RedisServer[] = [];
    let a: Instance;
    const prefix = topology.prefix('kill');
    /** What "Redis is killed" means: the server, or every master of a Cluster (one master down
     * leaves the others serving, and its calls fail one timeout each without opening the circuit) */
    const victims = async () =>
      name === 'cluster' ? topology.masters() : [await topology.masterOf(raw(a, 'hot:0'))];

    beforeAll(async () => {
      a = await startInstance({ redis: topology.redis, keyPrefix: prefix });
    });
    afterEach(async () => {
      // a test that failed mid-outage
      const dead = [];
      for (const server of servers) if (!(await server.ping())) dead.push(server);
      if (dead.length > 0) await topology.restart(dead);
    });
    afterAll(async () => {
      await a?.close();
    });

    itFor('kill')(
      'serves every call from memory or the loader in time, skips writes, replays invalidations, reconnects',
      async () => {
        await warm(a);
        await a.cache.set('doomed', 'old', { ttl: 600 });
        await a.cache.set('rewritten', 'old', { ttl: 600 });
        const stream = new CallStream(a);
        await waitFor(() => stream.count >= 200);

        servers = await victims();
        await Promise.all(servers.map((server) => server.kill()));
        await waitFor(() => a.redis.status === 'down' && a.redis.circuit === 'open', {
          timeoutMs: COMMAND_TIMEOUT_MS + MARGIN_MS,
          message: () => `status ${a.redis.status}, circuit ${a.redis.circuit}`,
        });
        const atKill = stream.count;
        await waitFor(() => stream.count >= atKill + 500);

        // during the outage: an invalidation and writes, none of which may queue commands
        expect(await a.cache.delete('doomed')).toBe(1);
        for (let i = 0; i < 1000; i++) await a.cache.set('rewritten', `new-${i}`, { ttl: 600 });
        expect(commandQueueLength(a)).toBe(0);
        expect(a.engine.invalidator.pendingCount).toBeLessThanOrEqual(2);
        expect(await a.cache.get('rewritten')).toBe('new-999');
        expect(await a.cache.get('doomed')).toBeUndefined();

        await topology.restart(servers); // AOF: 'doomed' and 'rewritten' (old) are back in Redis
        const restartedAt = performance.now();
        await writeDirect(topology, a, 'direct', 'D');
        await readsRedisWithin(a, 'direct', 'D', restartedAt, 2000);
        expect(a.redis.status).toBe('ready');

        // the invalidations made during the outage reached Redis
        const replayed = async () =>
          (await entriesIn(topology, raw(a, 'doomed'), raw(a, 'rewritten'))) === 0;
        await waitFor(replayed, {
          timeoutMs: 2000,
          message: 'what was invalidated during the outage is still in Redis',
        });
        expect(await a.cache.get('doomed')).toBeUndefined();
        expect(await a.cache.get('rewritten')).not.toBe('old');

        const afterRestart = stream.count;
        await waitFor(() => stream.count >= afterRestart + 200);
        await stream.stop();
        expect(stream.failures).toEqual([]);
        expect(stream.maxMs).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
      },
    );

    itFor('dropped connection')(
      'opens the circuit the moment the connection drops, with no call in flight',
      async () => {
        await untilHealthy(a);
        servers = await victims();
        await Promise.all(servers.map((server) => server.kill()));
        await waitFor(() => a.redis.circuit === 'open' && a.redis.status === 'down', {
          timeoutMs: 1000,
          message: () => `status ${a.redis.status}, circuit ${a.redis.circuit}`,
        });
        await topology.restart(servers);
        await untilHealthy(a, 2000);
      },
    );
  });

  describe('Redis frozen with SIGSTOP (socket open, no answers)', () => {
    // a longer timeout, so that a call paying two timeouts in a row cannot pass for one
    const TIMEOUT = 1000;
    let server: RedisServer | undefined;
    let a: Instance;
    const prefix = topology.prefix('freeze');

    beforeAll(async () => {
      a = await startInstance({
        redis: topology.redis,
        keyPrefix: prefix,
        resilience: { commandTimeoutMs: TIMEOUT },
      });
    });
    let frozen: RedisServer[] = [];
    afterEach(async () => {
      for (const stopped of [server, ...frozen]) await stopped?.resume().catch(() => undefined);
    });
    afterAll(async () => {
      await a?.close();
    });

    itFor('freeze')(
      'first calls wait for one timeout each; writes and deletes made while frozen are replayed after SIGCONT',
      async () => {
        await warm(a);
        await a.cache.set('doomed', 'old', { ttl: 600 });
        await a.cache.set('rewritten', 'old', { ttl: 600 });
        server = await topology.masterOf(raw(a, 'doomed'));
        await server.stop();

        // circuit still closed: each call waits for its first command's timeout, and no second one
        const started = performance.now();
        const calls = await Promise.all([
          timed(
            a.cache.getOrSet('cold:first', async () => 'loaded'),
            started,
          ),
          timed(a.cache.get('missing'), started),
          timed(a.cache.set('rewritten', 'new', { ttl: 600 }), started),
          timed(a.cache.delete('doomed'), started),
        ]);
        expect(calls.map((r) => r.error)).toEqual([undefined, undefined, undefined, undefined]);
        expect(calls.map((r) => r.value)).toEqual(['loaded', undefined, undefined, 1]);
        for (const { ms } of calls) expect(ms).toBeLessThan(TIMEOUT + MARGIN_MS);
        expect(await a.cache.get('rewritten')).toBe('new');
        expect(await a.cache.getOrSet('hot:1', async () => 'never')).toBe('hot:1');

        // no reconnect happens (the socket never closed), yet the invalidations reach Redis
        await server.resume();
        // ('rewritten' may first get the timed-out write, which Redis runs when it thaws: the replay
        // of the invalidation that the failed write left behind removes it after that. On a
        // Cluster its set may have gone through, to a master that was not frozen: then Redis
        // holds that newest value, never the old one.)
        const replayed = async () => {
          const rewritten = payloadOf(await topology.cli('GET', raw(a, 'rewritten')));
          const doomed = await entriesIn(topology, raw(a, 'doomed'));
          const current = rewritten === undefined || rewritten.includes('"new"');
          return a.engine.invalidator.pendingCount === 0 && doomed === 0 && current;
        };
        // (a replay is retried every breaker pause, 1 s; on a Cluster the other masters kept
        // answering, so the breaker may not have opened and the first retry can still time out)
        await waitFor(replayed, {
          timeoutMs: 5000,
          message: 'what was invalidated while Redis was frozen never left it',
        });
        expect(a.engine.invalidator.pendingCount).toBe(0);
        expect(await a.cache.get('doomed')).toBeUndefined();
        expect(await a.cache.get('rewritten')).not.toBe('old');
        const resumedAt = performance.now();
        await writeDirect(topology, a, 'direct', 'D');
        await readsRedisWithin(a, 'direct', 'D', resumedAt, 3000);
      },
    );

    itFor('long freeze')(
      'under a long freeze the circuit opens, nothing more is sent, memory stays flat; SIGCONT recovers',
      async () => {
        await untilHealthy(a);
        await warm(a);
        const stream = new CallStream(a);
        await waitFor(() => stream.count >= 200);
        // a Cluster's every master: with one frozen the others keep serving (see the kill test)
        frozen =
          name === 'cluster'
            ? await topology.masters()
            : [await topology.masterOf(raw(a, 'hot:0'))];
        await Promise.all(frozen.map((server) => server.stop()));
        await waitFor(() => a.redis.circuit === 'open' && a.redis.status === 'down', {
          timeoutMs: 2 * (TIMEOUT + MARGIN_MS),
          message: () => `status ${a.redis.status}, circuit ${a.redis.circuit}`,
        });

        // 20k calls while frozen: the command queue and the heap stay flat
        collectGarbage();
        const heapBefore = process.memoryUsage().heapUsed;
        const queueBefore = commandQueueLength(a);
        const frozenSince = performance.now();
        let maxQueue = queueBefore;
        for (let batch = 0; batch < 20; batch++) {
          await Promise.all(
            Array.from({ length: 1000 }, (_, i) =>
              i % 3 === 0
                ? a.cache.get(`missing:${i}`)
                : a.cache.getOrSet(
                    i % 3 === 1 ? `hot:${i % HOT_KEYS}` : `cold:${i % 100}`,
                    async () => 'loaded',
                  ),
            ),
          );
          maxQueue = Math.max(maxQueue, commandQueueLength(a));
          await yieldToLoop();
        }
        collectGarbage();
        const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
        // with the circuit open nothing is sent but one probe per breaker pause (1 s)
        const probes = Math.ceil((performance.now() - frozenSince) / 1000) + 1;
        expect(maxQueue - queueBefore).toBeLessThanOrEqual(probes);
        expect(heapGrowth).toBeLessThan(8 * 1024 * 1024);

        await Promise.all(frozen.map((server) => server.resume()));
        const resumedAt = performance.now();
        await writeDirect(topology, a, 'direct2', 'D2');
        // the circuit lets a probe through at most a breaker pause (1 s) after the last failure
        await readsRedisWithin(a, 'direct2', 'D2', resumedAt, 1000 + TIMEOUT + 1000);

        const resumed = stream.count;
        await waitFor(() => stream.count >= resumed + 200);
        await stream.stop();
        expect(stream.failures).toEqual([]);
        expect(stream.maxMs).toBeLessThan(TIMEOUT + MARGIN_MS);
      },
    );
  });
});

describe('Redis down at startup', () => {
  let server: RedisServer | undefined;
  let a: Instance;

  afterAll(async () => {
    await a?.close();
    await server?.shutdown();
  });

  it('boots, serves from memory, and uses Redis once a server appears on the port', async () => {
    const port = await freePort();
    const prefix = uniquePrefix('late');
    a = await startInstance({ redis: `redis://127.0.0.1:${port}`, keyPrefix: prefix });
    expect(a.redis.status).toBe('connecting');

    let loads = 0;
    const load = async () => `v${++loads}`;
    const t0 = performance.now();
    expect(await a.cache.getOrSet('k', load)).toBe('v1');
    expect(await a.cache.getOrSet('k', load)).toBe('v1');
    expect(performance.now() - t0).toBeLessThan(COMMAND_TIMEOUT_MS + MARGIN_MS);
    await a.cache.set('s', { n: 1 });
    expect(await a.cache.get('s')).toEqual({ n: 1 });

    server = await RedisServer.start({ port });
    const startedAt = performance.now();
    await writeDirect(server, a, 'direct', 'D');
    await readsRedisWithin(a, 'direct', 'D', startedAt, 2000);
    expect(a.redis.status).toBe('ready');
    await a.cache.set('after', 42);
    expect(await server.cli('EXISTS', dataKey(prefix, 'after'))).toBe('1');
  });
});
