import request from 'supertest';
import { RedisServer } from '../../support/redis-server';
import { bootApp, PLATFORMS, uniquePrefix, type DecoratorsApp } from '../support/decorators-app';
import { AccountController } from './routes.fixtures';

const USERS = Array.from({ length: 20 }, (_, i) => `user-${i + 1}`);

describe.each(PLATFORMS)('perUser routes on %s', (platform) => {
  let redis: RedisServer;
  let app: DecoratorsApp;
  let account: AccountController;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis.shutdown());

  beforeEach(async () => {
    const options = { redis: redis.url, keyPrefix: uniquePrefix(`per-user-${platform}`) };
    app = await bootApp({ controllers: [AccountController] }, options, platform);
    account = app.app.get(AccountController);
  });
  afterEach(() => app.close());

  const orders = (user?: string) => {
    const req = request(app.server).get('/me/orders');
    return user ? req.set('x-user-id', user) : req;
  };

  it('gives each of many concurrent users their own entry, and only theirs', async () => {
    for (const round of ['MISS', 'HIT']) {
      const responses = await Promise.all(USERS.map((user) => orders(user).expect(200)));
      responses.forEach((res, i) => {
        expect(res.body).toEqual({ user: USERS[i], orders: [`order-of-${USERS[i]}`], run: 1 });
        expect(res.headers['x-cache']).toBe(round);
        expect(res.headers['x-cache-key']).toBe(`AccountController:GET /me/orders|u:${USERS[i]}`);
      });
    }
    for (const user of USERS) expect(account.calls[user]).toBe(1);
  });

  it('never serves a user entry to an anonymous caller', async () => {
    await Promise.all(USERS.slice(0, 5).map((user) => orders(user).expect(200)));
    const anonymous = await orders().expect(200);
    expect(anonymous.body).toEqual({ user: null, orders: [], run: 1 });
    expect(anonymous.headers['x-cache']).toBe('MISS');
    expect(anonymous.headers['x-cache-key']).toBe('AccountController:GET /me/orders|anon');

    const again = await orders().expect(200);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.body.user).toBeNull();
    // and the anonymous entry is never a user's
    const user = await orders(USERS[5]).expect(200);
    expect(user.body.user).toBe(USERS[5]);
  });

  it('does not let an ETag from one user answer 304 to another', async () => {
    const first = await orders('alice').expect(200);
    const other = await orders('bob').set('If-None-Match', first.headers.etag).expect(200);
    expect(other.body.user).toBe('bob');
  });
});
