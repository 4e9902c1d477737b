import { InvalidPatternError, UnknownWarmupJobError } from '../errors';
import { BadRequestException, Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';

/**
 * A client's mistake never answers 500 here: engine errors that come from input (a bad glob, an
 * unknown warmup job) and parser errors (malformed JSON, a body too large: http-errors with a
 * 4xx status) become 4xx with a message. Everything else is left to Nest's own handling.
 */
@Catch()
export class AdminExceptionFilter extends BaseExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    super.catch(toHttp(exception), host);
  }
}

export function toHttp(exception: unknown): unknown {
  if (exception instanceof HttpException) return exception;
  if (exception instanceof InvalidPatternError || exception instanceof UnknownWarmupJobError) {
    return new BadRequestException(exception.message, { cause: exception });
  }
  const status = clientStatus(exception);
  if (status !== undefined) {
    const exposed = (exception as { expose?: boolean }).expose !== false;
    const message = exposed
      ? (exception as Error).message
      : (STATUS_CODES[status] ?? 'Bad Request');
    return new HttpException(message, status, { cause: exception as Error });
  }
  return exception;
}

/** The 4xx status of a body-parser / http-errors error (SyntaxError of bad JSON included). */
function clientStatus(exception: unknown): number | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { status, statusCode } = exception as { status?: unknown; statusCode?: unknown };
  const code = typeof statusCode === 'number' ? statusCode : status;
  if (typeof code === 'number' && code >= 400 && code < 500) return code;
  if (exception instanceof SyntaxError) return 400;
  return undefined;
}
