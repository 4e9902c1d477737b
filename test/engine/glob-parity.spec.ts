// The memory tier matches patterns with globToRegExp, Redis with its own matcher: for one
// invalidatePattern to remove the same keys from both tiers, the two must agree. Checked here
// against a real server, over globs that exercise every construct (and some odd ones).
// ASCII only: Redis matches bytes and a RegExp UTF-16 units, so `?` or a class against a
// multi-byte character differs (a known limit of the memory tier's matcher).
import { Redis } from 'ioredis';
import { assertGlob, globToRegExp } from '@app/cache/engine/glob';
import { RedisServer } from '../support/redis-server';

jest.setTimeout(20_000);

const KEYS = [
  ...['', 'a', 'b', 'c', 'd', 'z', 'A', ']', '[', '\\', '^', '-', '*', '?', '.', ':'],
  ...['ab', 'abc', 'a]', '\\]', 'x*', 'xy', 'a.b', 'axb', 'user:1', 'user:10', 'users'],
  ...['line\nbreak', '(a|b)+$', '{x}'],
];

const GLOBS = [
  ...['*', '?', '??', 'a*', '*b', '*:*', 'user:?', 'user:*', 'a?c', '[abc]', '[a-c]', '[c-a]'],
  ...['[^a]', '[^a-c]', '[]', '[^]', '[a-]]', '\\*', '\\?', '\\[', '\\', 'x\\*', '[\\]]'],
  ...['[a\\]b]', '[\\-]', '[\\\\]', '[[]', '[]]', '[*]', '[?]', '[.]', 'a.b', '(a|b)+$'],
  ...['{x}', '[A-Z]', '[Z-A]', '[-a]', '[a-c-e]', '[!a]', 'line?break'],
];

let server: RedisServer;
let client: Redis;

beforeAll(async () => {
  server = await RedisServer.start();
  client = new Redis(server.url);
  await client.mset(...KEYS.flatMap((key) => [`gp:${key}`, '1']));
});
afterAll(async () => {
  await client?.quit();
  await server?.shutdown();
});

it.each(GLOBS)('%j matches the same keys as in Redis', async (glob) => {
  assertGlob(glob);
  const inRedis = (await client.keys(`gp:${glob}`)).map((k) => k.slice(3)).sort();
  const pattern = globToRegExp(glob);
  expect(KEYS.filter((key) => pattern.test(key)).sort()).toEqual(inRedis);
});
