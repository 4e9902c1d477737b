// Boots CacheModule as an application would (init, then use) around the given providers and
// controllers (test/support/boot-app.ts), with a logger whose warnings the test can read.
import { ConsoleLogger, type Type } from '@nestjs/common';
import type { CacheModuleOptions } from '@app/cache';
import { bootApp, type BootedApp } from '../support/boot-app';

export { uniquePrefix } from '../support/cache-app';

/** Keeps every warning; prints nothing. */
export class RecordingLogger extends ConsoleLogger {
  readonly warnings: string[] = [];
  override warn(message: unknown): void {
    this.warnings.push(String(message));
  }
  override log(): void {}
  override error(): void {}
}

export interface ValuesApp extends BootedApp {
  logger: RecordingLogger;
  get<T>(type: Type<T>): T;
}

export async function bootValuesApp(
  options: CacheModuleOptions,
  classes: { providers?: Type[]; controllers?: Type[] } = {},
): Promise<ValuesApp> {
  const logger = new RecordingLogger();
  const booted = await bootApp({ ...classes, cache: { admin: false, ...options }, logger });
  return { ...booted, logger, get: (type) => booted.app.get(type) };
}
