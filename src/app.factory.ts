import { ValidationPipe, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type AppOptions } from './app.module';
import { setupSwagger } from './app.swagger';

export interface CreateAppOptions extends AppOptions {
  /** Nest's logger setting; tests pass false or ['error', 'warn'] */
  logger?: false | LogLevel[];
  /** Swagger UI at /docs (default true) */
  swagger?: boolean;
}

/**
 * The app exactly as `npm start` runs it, not yet listening: main.ts and the e2e tests both
 * build it here, so the tests exercise the real wiring (pipes, modules, cache).
 */
export async function createApp(options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const { logger, swagger = true, ...appOptions } = options;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(appOptions),
    // Throw instead of exiting the process: tests see the error, main.ts logs it and exits.
    { abortOnError: false, ...(logger === undefined ? {} : { logger }) },
  );
  // whitelist drops unknown body fields; transform gives handlers DTO instances and numbers.
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, transform: true }));
  if (swagger) setupSwagger(app);
  return app;
}
