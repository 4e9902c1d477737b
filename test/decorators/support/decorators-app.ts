// Purpose-built Nest apps (Express or Fastify) around CacheModule on a real Redis, for the
// decorator suites (test/support/boot-app.ts boots them).
import type { ModuleMetadata } from '@nestjs/common';
import type { CacheModuleOptions } from '@app/cache';
import { bootApp as boot, type BootedApp, type Platform } from '../../support/boot-app';

export { PLATFORMS, type Platform } from '../../support/boot-app';
export { uniquePrefix } from '../../support/cache-app';

export type DecoratorsApp = BootedApp;

export function bootApp(
  metadata: ModuleMetadata,
  options: CacheModuleOptions,
  platform: Platform = 'express',
): Promise<DecoratorsApp> {
  return boot({ ...metadata, cache: options, platform });
}
