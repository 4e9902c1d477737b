import {
  RedisServer,
  startInstance,
  uniquePrefix,
  waitFor,
  writeDirect,
  type Instance,
} from './helpers';

jest.setTimeout(30_000);

/**
 * Losing only the pub/sub connection: messages sent meanwhile are lost, so memory entries must
 * not outlive the outage unchecked. Redis is changed behind the instance's back (a write that
 * publishes nothing), which is exactly what a missed message looks like from the inside.
 */
describe('invalidation bus outage', () => {
  let server: RedisServer;
  let a: Instance;

  beforeAll(async () => {
    server = await RedisServer.start();
  });

  afterEach(async () => {
    await a?.close();
  });

  afterAll(async () => {
    await server.shutdown();
  });

  it('reads through to Redis while the bus is down, and empties memory when it is back', async () => {
    a = await startInstance({ redis: server.url, keyPrefix: uniquePrefix('bus') });
    await a.cache.set('k', 'v1');
    expect(await a.cache.get('k')).toBe('v1');
    await writeDirect(server, a, 'k', 'v2'); // a change whose message this instance never gets
    expect(await a.cache.get('k')).toBe('v1'); // memory is trusted while the bus is up

    const down = new Promise<void>((resolve) => a.redis.events.once('subscriber-down', resolve));
    await server.cli('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await down;
    // from the moment the subscription is lost, memory is not trusted: Redis answers
    expect(await a.cache.get('k')).toBe('v2');

    await waitFor(() => a.engine.bus!.isHealthy, { message: 'bus did not come back' });
    expect(a.engine.memory!.size).toBe(0); // resynced: nothing from before the outage is kept
    expect(await a.cache.get('k')).toBe('v2');
    expect(a.engine.memory!.size).toBe(1); // and memory is used again
  });

  it('still serves from memory when Redis is gone altogether (fallback beats nothing)', async () => {
    a = await startInstance({ redis: server.url, keyPrefix: uniquePrefix('bus') });
    await a.cache.set('k', 'kept');
    await server.kill();
    try {
      expect(await a.cache.get('k')).toBe('kept');
      expect(await a.cache.getOrSet('k', async () => 'loader')).toBe('kept');
    } finally {
      await server.restart();
    }
  });
});
