import type { Redis } from 'ioredis';
import { Test } from '@nestjs/testing';
import { CacheModule, RedisService } from '@app/cache';
import { freePort } from '../support/redis-server';

/** `rediss://` is how docs/DEPLOYMENT.md tells users to turn TLS on: the client must get it. */
describe('a rediss:// URL', () => {
  it.each([
    ['rediss', true],
    ['redis', false],
  ])('%s:// gives the client TLS: %s', async (scheme, tls) => {
    const port = await freePort(); // nothing listens: the client is only built, never connected
    const moduleRef = await Test.createTestingModule({
      imports: [CacheModule.forRoot({ redis: `${scheme}://127.0.0.1:${port}`, admin: false })],
    }).compile();
    const redis = moduleRef.get(RedisService);
    try {
      expect(Boolean((redis.client as Redis).options.tls)).toBe(tls);
    } finally {
      await moduleRef.close();
    }
  });
});
