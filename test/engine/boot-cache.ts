// Apps for the engine suites: CacheModule alone (test/support/boot-app.ts boots it).
import type { ModuleMetadata } from '@nestjs/common';
import type { CacheModuleOptions } from '@app/cache';
import { bootApp, type BootedApp } from '../support/boot-app';

export type CacheApp = BootedApp;

export type MakeApp = (options?: CacheModuleOptions) => Promise<CacheApp>;

export { uniquePrefix } from '../support/cache-app';

export function bootCache(options: CacheModuleOptions = {}): Promise<CacheApp> {
  return bootApp({ cache: options });
}

export function bootModule(imports: ModuleMetadata['imports']): Promise<CacheApp> {
  return bootApp({ cache: null, imports });
}

/** Swaps process.env entries for a test; the returned function restores them exactly. */
export function withEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(vars);
  return () => apply(saved);
}
