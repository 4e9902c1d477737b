// `type` and `serializer`: a class comes back as an instance of it, and a format of one's own is
// used, whichever tier serves the entry: memory, Redis, another instance, or a plain get().
import { Injectable } from '@nestjs/common';
import { deserialize, serialize } from 'node:v8';
import { Cached, CacheDecoratorError, CacheOptionsError, type ValueSerializer } from '@app/cache';
import { RedisServer } from '../support/redis-server';
import { bootValuesApp, uniquePrefix, type ValuesApp } from './values-app';

class Money {
  constructor(
    public amount = 0,
    public currency = 'EUR',
    public since = new Date(0),
  ) {}
  format(): string {
    return `${(this.amount / 100).toFixed(2)} ${this.currency}`;
  }
}

/** One format for a whole app: v8's structured clone keeps what JSON loses. */
const v8Format: ValueSerializer = {
  name: 'v8',
  encode: (value) => serialize(value),
  decode: (data) => deserialize(data as Buffer) as unknown,
};

/** One endpoint's own compact text format, which revives the class itself. */
const moneyText: ValueSerializer<Money> = {
  name: 'money-text',
  encode: (m) => `${m.amount} ${m.currency}`,
  decode: (text) => {
    const [amount, currency] = String(text).split(' ');
    return new Money(Number(amount), currency);
  },
};

@Injectable()
class PriceService {
  calls = 0;

  @Cached({ key: 'price:{0}', type: Money })
  async price(cents: number): Promise<Money> {
    this.calls++;
    return new Money(cents, 'EUR', new Date(cents));
  }

  @Cached({ key: 'list', type: Money })
  async list(): Promise<Money[]> {
    this.calls++;
    return [new Money(100), new Money(250, 'USD')];
  }

  @Cached({ key: 'compact:{0}', serializer: moneyText })
  async compact(cents: number): Promise<Money> {
    this.calls++;
    return new Money(cents);
  }

  @Cached({ key: 'stats' })
  async stats(): Promise<Map<string, Set<number>>> {
    this.calls++;
    return new Map([['a', new Set([1, 2])]]);
  }
}

describe('typed values', () => {
  let redis: RedisServer;
  const apps: ValuesApp[] = [];
  let keyPrefix: string;
  const boot = async (extra = {}) => {
    const app = await bootValuesApp(
      { redis: redis.url, keyPrefix, ...extra },
      { providers: [PriceService] },
    );
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  beforeEach(() => {
    keyPrefix = uniquePrefix('typed');
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });
  afterAll(() => redis.shutdown());

  const expectMoney = (value: unknown, text: string) => {
    expect(value).toBeInstanceOf(Money);
    expect((value as Money).format()).toBe(text);
  };

  it('@Cached({ type }): a Money from the miss, memory, Redis and another instance', async () => {
    const [a, b, redisOnly] = [await boot(), await boot(), await boot({ memory: false })];
    expectMoney(await a.get(PriceService).price(500), '5.00 EUR');
    const hit = await a.get(PriceService).price(500);
    expectMoney(hit, '5.00 EUR');
    expect(hit.since).toEqual(new Date(500));
    expectMoney(await b.get(PriceService).price(500), '5.00 EUR'); // Redis, then b's memory
    expectMoney(await b.get(PriceService).price(500), '5.00 EUR');
    expectMoney(await redisOnly.get(PriceService).price(500), '5.00 EUR');
    expect(a.get(PriceService).calls + b.get(PriceService).calls).toBe(1);
    expect(redisOnly.get(PriceService).calls).toBe(0);
  });

  it('revives arrays of the class, and get() on any instance revives them too', async () => {
    const a = await boot();
    await a.get(PriceService).list();
    const [b, redisOnly] = [await boot(), await boot({ memory: false })];
    for (const list of [
      await a.get(PriceService).list(),
      await b.get(PriceService).list(),
      await redisOnly.cache.get<Money[]>('PriceService:list'),
      await b.cache.get<Money[]>('PriceService:list'),
    ]) {
      expect(list).toHaveLength(2);
      expectMoney(list![0], '1.00 EUR');
      expectMoney(list![1], '2.50 USD');
    }
  });

  it('getOrSet(key, loader, { type }) and set(key, value, { type })', async () => {
    const [a, b] = [await boot(), await boot({ memory: false })];
    const loader = jest.fn(async () => new Money(123));
    expectMoney(await a.cache.getOrSet('wallet:1', loader, { type: Money }), '1.23 EUR');
    expectMoney(await a.cache.getOrSet('wallet:1', loader, { type: Money }), '1.23 EUR');
    expectMoney(await b.cache.getOrSet('wallet:1', loader, { type: Money }), '1.23 EUR');
    expect(loader).toHaveBeenCalledTimes(1);
    await a.cache.set('wallet:2', new Money(9), { type: Money });
    expectMoney(await a.cache.get('wallet:2'), '0.09 EUR');
    expectMoney(await b.cache.get('wallet:2'), '0.09 EUR');
  });

  it('without type, a class instance is plain data from every tier, not only from Redis', async () => {
    const [a, b] = [await boot(), await boot({ memory: false })];
    await a.cache.getOrSet('plain', async () => new Money(5));
    for (const value of [await a.cache.get('plain'), await b.cache.get('plain')]) {
      expect(value).not.toBeInstanceOf(Money);
      expect(value).toEqual({ amount: 5, currency: 'EUR', since: new Date(0) });
    }
  });

  it('a module-level serializer writes every entry, a per-decorator one overrides it', async () => {
    const [a, b] = [await boot({ serializer: v8Format }), await boot({ serializer: v8Format })];
    const stats = await a.get(PriceService).stats();
    expect(stats).toEqual(new Map([['a', new Set([1, 2])]]));
    expect(await b.get(PriceService).stats()).toEqual(stats);
    expect(await redis.cli('GET', `${keyPrefix}:v2:d:PriceService:stats`)).toContain('"x":"v8"');

    expectMoney(await a.get(PriceService).compact(700), '7.00 EUR');
    expectMoney(await a.get(PriceService).compact(700), '7.00 EUR');
    expectMoney(await b.get(PriceService).compact(700), '7.00 EUR');
    const payload = await redis.cli('GET', `${keyPrefix}:v2:d:PriceService:compact:700`);
    expect(payload).toContain('"v":"700 EUR"');
    expect(payload).toContain('"x":"money-text"');
    expect(b.get(PriceService).calls).toBe(0);
  });

  it.each<[string, object]>([
    ['a serializer without a name', { serializer: { encode: String, decode: String } }],
    ['a serializer without decode', { serializer: { name: 'x', encode: String } }],
  ])('rejects %s at bootstrap, naming the option', async (_name, options) => {
    await expect(bootValuesApp({ redis: null, ...options })).rejects.toThrow(CacheOptionsError);
    await expect(bootValuesApp({ redis: null, ...options })).rejects.toThrow(/"serializer"/);
  });

  it.each<[string, object]>([
    ['a type that is not a class', { type: 'Money' }],
    ['a serializer without encode', { serializer: { name: 'x', decode: String } }],
  ])('rejects @Cached with %s at bootstrap, naming the method', async (_name, options) => {
    @Injectable()
    class BadService {
      @Cached(options)
      async find(): Promise<number> {
        return 1;
      }
    }
    const booting = bootValuesApp({ redis: null }, { providers: [BadService] });
    await expect(booting).rejects.toThrow(CacheDecoratorError);
    await expect(bootValuesApp({ redis: null }, { providers: [BadService] })).rejects.toThrow(
      /BadService\.find.*"(type|serializer)"/,
    );
  });
});
