import {
  Inject,
  Injectable,
  Logger,
  Optional,
  StreamableFile,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { of, tap, type Observable } from 'rxjs';
import { CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import type { Cache } from './cache-manager.adapter';
import { CACHE_KEY_METADATA, CACHE_MANAGER, CACHE_TTL_METADATA } from './compat.constants';
import type { CacheKeyFactory, CacheTTLFactory } from './compat.decorators';

/**
 * @nestjs/cache-manager's interceptor on our engine, hook for hook: the key is `@CacheKey` or
 * the request URL, only `allowedMethods` (GET) are cached, `@CacheTTL` (ms) on the handler wins
 * over the controller's, `X-Cache: HIT | MISS`, null and undefined are misses, and the write
 * happens after the response is on its way (a slow store never holds a request).
 */
@Injectable()
export class CacheInterceptor implements NestInterceptor {
  @Optional()
  @Inject()
  protected readonly httpAdapterHost?: HttpAdapterHost;

  /** ours, when the module is there: `enabled: false` (CACHE_ENABLED) passes every request through */
  @Optional()
  @Inject(CACHE_OPTIONS)
  private readonly tieredOptions?: ResolvedCacheOptions;

  protected allowedMethods = ['GET'];

  constructor(
    @Inject(CACHE_MANAGER) protected readonly cacheManager: Cache,
    protected readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (this.tieredOptions?.enabled === false) return next.handle();
    const key = await this.trackBy(context);
    if (!key) return next.handle();
    let ttl: number | null | undefined;
    try {
      const value = await this.cacheManager.get(key);
      this.setHeadersWhenHttp(context, value);
      if (value !== undefined && value !== null) return of(value);
      const ttlOrFactory =
        this.reflector.get<number | CacheTTLFactory | undefined>(
          CACHE_TTL_METADATA,
          context.getHandler(),
        ) ?? this.reflector.get(CACHE_TTL_METADATA, context.getClass());
      ttl = typeof ttlOrFactory === 'function' ? await ttlOrFactory(context) : ttlOrFactory;
    } catch {
      // the cache must never fail a request: serve it uncached
      return next.handle();
    }
    return next.handle().pipe(
      tap((response: unknown) => {
        if (!(response instanceof StreamableFile)) void this.store(key, response, ttl);
      }),
    );
  }

  /** The cache key of a request: `@CacheKey` (any transport), else the URL of a cacheable request. */
  protected trackBy(
    context: ExecutionContext,
  ): string | undefined | null | Promise<string | undefined | null> {
    const keyOrFactory = this.reflector.get<string | CacheKeyFactory | undefined>(
      CACHE_KEY_METADATA,
      context.getHandler(),
    );
    const adapter = this.httpAdapterHost?.httpAdapter;
    if (keyOrFactory || !adapter || context.getType() !== 'http') {
      return typeof keyOrFactory === 'function' ? keyOrFactory(context) : keyOrFactory;
    }
    if (!this.isRequestCacheable(context)) return undefined;
    return adapter.getRequestUrl(context.switchToHttp().getRequest());
  }

  protected isRequestCacheable(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<{ method: string }>();
    return this.allowedMethods.includes(req.method);
  }

  protected setHeadersWhenHttp(context: ExecutionContext, value: unknown): void {
    const adapter = this.httpAdapterHost?.httpAdapter;
    if (!adapter || context.getType() !== 'http') return;
    const response: unknown = context.switchToHttp().getResponse();
    adapter.setHeader(response, 'X-Cache', value === undefined || value === null ? 'MISS' : 'HIT');
  }

  private async store(key: string, value: unknown, ttl: number | null | undefined): Promise<void> {
    try {
      await this.cacheManager.set(key, value, ttl ?? undefined);
    } catch (err) {
      Logger.error(`Could not cache "${key}"`, (err as Error).stack, 'CacheInterceptor');
    }
  }
}
