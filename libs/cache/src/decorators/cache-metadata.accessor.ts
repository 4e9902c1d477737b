import { Injectable, type Type } from '@nestjs/common';
// set by @Get(), @Post()... on a route handler
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { CACHED_METADATA, INVALIDATE_METADATA } from '../cache.constants';
import type { CachedOptions } from './cached.decorator';
import type { InvalidateOnSpec } from './invalidate-on.decorator';

/** Reads this layer's metadata, and nothing else. */
@Injectable()
export class CacheMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  cached(method: object): CachedOptions | undefined {
    return this.reflector.get<CachedOptions | undefined>(CACHED_METADATA, method as Type);
  }

  invalidation(method: object): InvalidateOnSpec | undefined {
    return this.reflector.get<InvalidateOnSpec | undefined>(INVALIDATE_METADATA, method as Type);
  }

  /** A route's @Cached: the handler's own, else its controller's. */
  routeCached(controller: Type, handler: object): CachedOptions | undefined {
    return this.reflector.getAllAndOverride<CachedOptions | undefined>(CACHED_METADATA, [
      handler as Type,
      controller,
    ]);
  }

  isRouteHandler(method: object): boolean {
    return (
      Reflect.hasOwnMetadata(PATH_METADATA, method) &&
      Reflect.hasOwnMetadata(METHOD_METADATA, method)
    );
  }
}
