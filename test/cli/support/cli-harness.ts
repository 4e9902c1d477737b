// The CLI as a user runs it: the built package's bin as a child process, against an app on a real
// Redis listening on a loopback port.
import {
  Controller,
  Get,
  Injectable,
  Param,
  type INestApplication,
  type OnModuleInit,
} from '@nestjs/common';
import { execFile, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Cached, CacheService } from '@app/cache';
import { startApp, TOKEN } from '../../admin/support/admin-app';
import { uniquePrefix } from '../../support/cache-app';

export { TOKEN };
export const ROOT = resolve(__dirname, '../../..');
/** The bin of the built package (libs/cache/package.json "bin"). */
export const CLI = join(ROOT, 'dist/libs/cache/cli/main.js');
const RUN_TIMEOUT_MS = 20_000;

/** `npm run build`, the step that makes the published package and its bin. */
export async function buildPackage(): Promise<void> {
  await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT, timeout: 120_000 });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node main.js ...args` with piped stdio (no terminal). Async on purpose: the app under test
 * answers from this very process. CI is set because picocolors alone would then colour piped
 * output; the CLI must not.
 */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const base = { ...process.env };
  for (const name of ['CACHE_ADMIN_URL', 'CACHE_ADMIN_TOKEN', 'NO_COLOR', 'FORCE_COLOR'])
    delete base[name];
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...base, CI: 'true', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: RUN_TIMEOUT_MS,
  });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

@Controller('barbers')
class BarbersController {
  @Get(':id')
  @Cached({ namespace: 'barbers' })
  one(@Param('id') id: string) {
    return { id, name: `barber ${id}` };
  }
}

/** Two warmup jobs: one that works, one that always fails. */
@Injectable()
class WarmJobs implements OnModuleInit {
  constructor(private readonly cache: CacheService) {}
  onModuleInit(): void {
    this.cache.registerWarmup({
      name: 'barbers',
      load: async () => {
        await this.cache.set('barbers:warm', { warmed: true }, { namespace: 'barbers' });
        return 1;
      },
    });
    this.cache.registerWarmup({
      name: 'broken',
      load: () => {
        throw new Error('origin down');
      },
    });
  }
}

export interface CliApp {
  app: INestApplication;
  cache: CacheService;
  /** the admin API's base, as --url takes it */
  url: string;
  /** the app's own base, for traffic */
  origin: string;
  close: () => Promise<void>;
}

/** An app with a cached route and warmup jobs, listening on a free loopback port. */
export async function startCliApp(redisUrl: string): Promise<CliApp> {
  const t = await startApp(
    {
      redis: redisUrl,
      keyPrefix: uniquePrefix('cli'),
      namespaces: { barbers: { ttl: 300 }, pages: { ttl: 120 } },
      admin: { token: TOKEN },
      warmup: { onStartup: false },
    },
    { controllers: [BarbersController], providers: [WarmJobs] },
  );
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    app: t.app,
    cache: t.app.get(CacheService),
    url: `${origin}/cache`,
    origin,
    close: t.close,
  };
}

/** Escape sequences of any kind (colours, cursor moves). */
// eslint-disable-next-line no-control-regex -- matching them is the point
export const ANSI = /\x1b\[/;
