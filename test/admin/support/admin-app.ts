import type { LoggerService, ModuleMetadata } from '@nestjs/common';
import type { CacheModuleOptions } from '@app/cache';
import { bootApp, type BootedApp, type Platform } from '../../support/boot-app';

export const TOKEN = 'test-admin-token-0123456789';
export const AUTH = { Authorization: `Bearer ${TOKEN}` };

/** Collects what the application logs, so that tests can assert on warnings. */
export class CapturingLogger implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  log(message: unknown): void {
    this.lines.push({ level: 'log', message: String(message) });
  }
  warn(message: unknown): void {
    this.lines.push({ level: 'warn', message: String(message) });
  }
  error(message: unknown): void {
    this.lines.push({ level: 'error', message: String(message) });
  }
  debug(): void {}
  verbose(): void {}
  warnings(): string[] {
    return this.lines.filter((l) => l.level === 'warn').map((l) => l.message);
  }
}

export interface TestApp extends BootedApp {
  logger: CapturingLogger;
}

/** An application with CacheModule.forRoot(options) (or the given imports) behind a real HTTP stack. */
export async function startApp(
  options: CacheModuleOptions | null,
  metadata: ModuleMetadata = {},
  platform: Platform = 'express',
): Promise<TestApp> {
  const logger = new CapturingLogger();
  return { ...(await bootApp({ ...metadata, cache: options, platform, logger })), logger };
}
