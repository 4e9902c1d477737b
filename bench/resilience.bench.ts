import { Test } from '@nestjs/testing';
import { CacheModule, CacheService, RedisService } from '@app/cache';
import type { RedisServer } from '../test/support/redis-server';
import { waitFor } from '../test/support/wait-for';
import { nsPerOp, type Row } from './measure';

const COMMAND_TIMEOUT_MS = 300;

/**
 * With Redis frozen (SIGSTOP: socket open, no answers), memory-tier hits must not slow down, and
 * the first call that needs Redis must settle after about one command timeout, not hang.
 */
export async function resilienceBench(server: RedisServer): Promise<Row[]> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      CacheModule.forRoot({
        redis: server.url,
        keyPrefix: 'bench-freeze',
        admin: false,
        resilience: { commandTimeoutMs: COMMAND_TIMEOUT_MS },
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  const redis = app.get(RedisService);
  await waitFor(() => redis.status === 'ready', { message: 'redis not ready' });
  const cache = app.get(CacheService);
  await cache.set('hot', { id: 1 });
  await cache.get('hot');
  const loader = async () => ({ id: 1 });
  const BATCH = 1_000;
  const hits = () =>
    nsPerOp(
      {
        hit: async () => {
          for (let i = 0; i < BATCH; i++) await cache.getOrSet('hot', loader);
        },
      },
      { batch: BATCH },
    );
  const normal = (await hits()).hit;
  await server.stop();
  try {
    const started = performance.now();
    await cache.getOrSet('cold', loader); // needs Redis: must fall back after the timeout
    const firstSettle = performance.now() - started;
    const frozen = (await hits()).hit;
    return [
      {
        name: 'memory-tier hit while Redis is frozen vs normal (ns/op)',
        ours: frozen,
        floor: normal,
        unit: 'ns/op',
        better: 'lower',
        target: 1.25,
      },
      {
        name: 'first call after Redis freezes: settle time vs command timeout',
        ours: firstSettle,
        floor: COMMAND_TIMEOUT_MS,
        unit: 'ms',
        better: 'lower',
        target: 1.5,
      },
    ];
  } finally {
    await server.resume();
    await app.close();
  }
}
