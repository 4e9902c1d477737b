// The published package (built as `npm run build` does, into a temp dir) exposes the
// compatibility layer as `<package>/nestjs-cache-manager` through its "exports" map, beside the
// root entry point; a plain Node process resolves both by package name, as an installed app would.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '../..');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ncm-exports-'));
  const out = join(dir, 'dist');
  cpSync(join(ROOT, 'libs/cache/package.json'), join(out, 'package.json'));
  tsc(['-p', 'libs/cache/tsconfig.lib.json', '--outDir', out], ROOT);
  mkdirSync(join(dir, 'app/node_modules/@nest-tiered'), { recursive: true });
  symlinkSync(out, join(dir, 'app/node_modules/@nest-tiered/cache'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tsc(args: string[], cwd: string): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...args], {
    cwd,
    stdio: 'pipe',
  });
}

/** Runs a script in a fresh Node process from the temp app; the package's peers come from ours. */
function runInApp(script: string): string {
  return execFileSync(process.execPath, ['-e', script], {
    cwd: join(dir, 'app'),
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    encoding: 'utf8',
  }).trim();
}

it('resolves the root and ./nestjs-cache-manager by package name, and nothing deeper', () => {
  const out = runInApp(`
    require('reflect-metadata');
    const root = require('@nest-tiered/cache');
    const compat = require('@nest-tiered/cache/nestjs-cache-manager');
    let deep = 'resolved';
    try { require('@nest-tiered/cache/service/cache.service'); } catch (e) { deep = e.code; }
    console.log(JSON.stringify({
      root: typeof root.CacheModule.forRoot,
      compat: Object.keys(compat).sort(),
      registered: compat.CacheModule.register({ ttl: 1000, redis: null }).module.name,
      deep,
    }));
  `);
  expect(JSON.parse(out)).toEqual({
    root: 'function',
    compat: [
      'CACHE_KEY_METADATA',
      'CACHE_MANAGER',
      'CACHE_TTL_METADATA',
      'Cache',
      'CacheInterceptor',
      'CacheKey',
      'CacheModule',
      'CacheTTL',
    ],
    registered: 'CacheModule',
    deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
  });
});

it('gives TypeScript (node16 resolution) the declarations of both entry points', () => {
  const app = join(dir, 'app');
  writeFileSync(
    join(app, 'use.ts'),
    [
      "import { CacheModule, CACHE_MANAGER, type Cache } from '@nest-tiered/cache/nestjs-cache-manager';",
      "import { CacheService } from '@nest-tiered/cache';",
      'export const used = [CacheModule.register({ ttl: 5000, keyPrefix: "x" }), CACHE_MANAGER, CacheService];',
      'export const get = (cache: Cache) => cache.get<number>("k");',
      // the declarations are real: a wrong option type is an error
      '// @ts-expect-error ttl is a number of milliseconds',
      'CacheModule.register({ ttl: "5s" });',
    ].join('\n'),
  );
  const options = ['--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022'];
  const flags = ['--strict', '--noEmit', '--skipLibCheck', '--experimentalDecorators'];
  expect(() =>
    tsc(
      [
        ...options,
        ...flags,
        '--types',
        'node',
        '--typeRoots',
        join(ROOT, 'node_modules/@types'),
        'use.ts',
      ],
      app,
    ),
  ).not.toThrow();
});
