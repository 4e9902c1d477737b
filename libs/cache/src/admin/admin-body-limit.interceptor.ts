import {
  Injectable,
  PayloadTooLargeException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { MAX_BODY_BYTES } from './admin-input.rules';

interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/**
 * Admin bodies are small lists of names: anything above 64 KB answers 413. The platform's body
 * parser has already read it (it stops at its own limit, 100 KB by default), so this bounds what
 * reaches validation and Redis rather than the bytes read.
 */
@Injectable()
export class AdminBodyLimitInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<RequestLike>();
    if (bodyBytes(request) > MAX_BODY_BYTES) {
      throw new PayloadTooLargeException(
        `an admin request body has at most ${MAX_BODY_BYTES} bytes`,
      );
    }
    return next.handle();
  }
}

function bodyBytes(request: RequestLike): number {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > 0) return declared;
  // chunked: no length header; measure what was parsed
  if (request.body === undefined || request.body === null) return 0;
  if (typeof request.body === 'string') return Buffer.byteLength(request.body);
  try {
    return Buffer.byteLength(JSON.stringify(request.body) ?? '');
  } catch {
    return 0;
  }
}
