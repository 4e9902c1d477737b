import { Redis } from 'ioredis';
import {
  COMMAND_TIMEOUT_MS,
  RedisServer,
  startInstance,
  uniquePrefix,
  type Instance,
} from './helpers';

jest.setTimeout(30_000);

/**
 * A client the application hands in keeps its own settings (offline queue, no command timeout,
 * 20 retries per request): the cache must still not hang on it when Redis freezes.
 */
describe('a given ioredis client with default settings', () => {
  let server: RedisServer;
  let client: Redis;
  let a: Instance;

  beforeAll(async () => {
    server = await RedisServer.start();
    client = new Redis(server.url); // ioredis defaults, as an application would have them
    a = await startInstance({ redis: { client }, keyPrefix: uniquePrefix('given') });
  });

  afterAll(async () => {
    await a.close();
    client.disconnect();
    await server.shutdown();
  });

  it('bounds every call by the command timeout when Redis is frozen', async () => {
    await a.cache.set('hot', 'from-memory');
    await server.stop();
    try {
      const started = performance.now();
      const value = await a.cache.getOrSet('cold', async () => 'from-loader');
      const elapsed = performance.now() - started;
      expect(value).toBe('from-loader');
      // lookup and guard read may each wait once before the breaker opens; never ioredis' retries
      expect(elapsed).toBeLessThan(2 * COMMAND_TIMEOUT_MS + 500);
      expect(await a.cache.get('hot')).toBe('from-memory');
    } finally {
      await server.resume();
    }
    expect(client.status).toBe('ready'); // ours to use, never closed or reconfigured by the cache
  });
});
