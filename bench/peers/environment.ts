import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';

const PACKAGES = [
  '@nestjs/core',
  'ioredis',
  'lru-cache',
  '@nestjs/cache-manager',
  'cache-manager',
  'keyv',
  '@keyv/redis',
  'bentocache',
  'async-cache-dedupe',
  'autocannon',
  'tinybench',
];

/** What the figures were measured on, printed above the table so a pasted run carries it. */
export async function environment(redis: Redis): Promise<string> {
  const lock = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package-lock.json'), 'utf8'));
  const version = (name: string) => lock.packages?.[`node_modules/${name}`]?.version ?? '?';
  const server = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?';
  return [
    `machine: ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `load average ${loadavg()[0].toFixed(1)} at the start`,
    `Node ${process.version}, redis-server ${server}`,
    PACKAGES.map((name) => `${name} ${version(name)}`).join(', '),
  ].join('\n');
}
