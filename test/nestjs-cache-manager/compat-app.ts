// Boots a Nest application the way an app migrating from @nestjs/cache-manager does: its own
// module metadata (CacheModule.register... among the imports), Express or Fastify, then init:
// usable at once (test/support/boot-app.ts).
import type { ModuleMetadata } from '@nestjs/common';
import { bootApp, type BootedApp, type Platform } from '../support/boot-app';

export type { Platform } from '../support/boot-app';
export type CompatApp = BootedApp;

export { uniquePrefix } from '../support/cache-app';

export function bootCompatApp(
  metadata: ModuleMetadata,
  platform: Platform = 'express',
): Promise<CompatApp> {
  return bootApp({ ...metadata, cache: null, platform });
}
