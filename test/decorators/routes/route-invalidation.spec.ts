import request from 'supertest';
import { RedisServer } from '../../support/redis-server';
import { bootApp, PLATFORMS, uniquePrefix, type DecoratorsApp } from '../support/decorators-app';
import { AppointmentsController, ItemsController } from './routes.fixtures';

describe.each(PLATFORMS)('invalidation from routes on %s', (platform) => {
  let redis: RedisServer;
  let app: DecoratorsApp;
  let prefix: string;
  const xCache = async (path: string) =>
    (await request(app.server).get(path).expect(200)).headers['x-cache'];

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis.shutdown());

  beforeEach(async () => {
    prefix = uniquePrefix(`route-invalidation-${platform}`);
    const options = {
      redis: redis.url,
      keyPrefix: prefix,
      invalidationRules: [
        {
          method: ['PUT', 'DELETE'],
          path: '/appointments/:id',
          tags: (p: Record<string, string>) => [`appointment:${p.id}`],
        },
        { method: 'POST', path: '/appointments', namespaces: ['AppointmentsController'] },
      ],
    };
    app = await bootApp(
      { controllers: [ItemsController, AppointmentsController] },
      options,
      platform,
    );
  });
  afterEach(() => app.close());

  it('@InvalidateOn on a route invalidates after it succeeds, before the response', async () => {
    await request(app.server).get('/items/1').expect(200);
    await request(app.server).get('/items/2').expect(200);
    await request(app.server).post('/items/1/rename').expect(201);
    // a tag: a marker in Redis, so neither tier serves it (a Redis entry would answer HIT too)
    expect(await xCache('/items/1')).toBe('MISS');
    expect(await xCache('/items/2')).toBe('HIT');
  });

  it('a failing route invalidates nothing, and its error passes through', async () => {
    await request(app.server).get('/items/4').expect(200);
    const res = await request(app.server).post('/items/4/fail').expect(400);
    expect(res.body.message).toBe('refused');
    expect(await xCache('/items/4')).toBe('HIT');
  });

  it('applies invalidationRules to matching successful mutations', async () => {
    await request(app.server).get('/appointments/1').expect(200);
    await request(app.server).get('/appointments/2').expect(200);
    await request(app.server).put('/appointments/1').expect(200);
    expect(await xCache('/appointments/1')).toBe('MISS');
    expect(await xCache('/appointments/2')).toBe('HIT');

    await request(app.server).post('/appointments').expect(201);
    expect(await xCache('/appointments/1')).toBe('MISS');
    expect(await xCache('/appointments/2')).toBe('MISS');
  });

  it('a failing mutation matched by a rule invalidates nothing', async () => {
    await request(app.server).get('/appointments/3').expect(200);
    await request(app.server).put('/appointments/3?fail=1').expect(400);
    expect(await xCache('/appointments/3')).toBe('HIT');
  });
});

describe.each(PLATFORMS)('with enabled: false on %s', (platform) => {
  let redis: RedisServer;
  let app: DecoratorsApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await app?.close();
    await redis.shutdown();
  });

  it('routes are served as if undecorated', async () => {
    const prefix = uniquePrefix(`routes-disabled-${platform}`);
    const rules = [{ path: '/appointments/:id', tags: ['x'] }];
    const options = {
      redis: redis.url,
      keyPrefix: prefix,
      enabled: false,
      invalidationRules: rules,
    };
    app = await bootApp(
      { controllers: [ItemsController, AppointmentsController] },
      options,
      platform,
    );
    const first = await request(app.server).get('/items/1').expect(200);
    const second = await request(app.server).get('/items/1').expect(200);
    expect(first.headers['x-cache']).toBeUndefined();
    expect(second.body.run).toBe(2);
    await request(app.server).put('/appointments/1').expect(200);
    expect(await redis.cli('--scan', '--pattern', `${prefix}:*`)).toBe('');
  });
});
