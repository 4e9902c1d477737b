import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { defer, lastValueFrom, mergeMap, type Observable } from 'rxjs';
// set by @UseInterceptors(): a CacheInterceptor subclass bound to a route does the work there
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { CACHE_OPTIONS } from '../cache.constants';
import type { CachedPlan } from '../decorators/cached-plan';
import { CachePlanRegistry, type RoutePlan } from '../decorators/cache-plan.registry';
import { CacheEngine } from '../engine/cache-engine';
import type { EntryOptions } from '../engine/entry-policy';
import type { Outcome, Source } from '../engine/flights';
import type { Envelope } from '../engine/serializer';
import { buildRouteKey, userTag } from '../keys/route-key';
import type { RouteOutcome } from '../stats/cache-stats';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { matchesIfNoneMatch, weakEtag } from './etag';
import {
  headerSafe,
  isStreamingBody,
  requestHeader,
  requestPath,
  requestUrl,
  responseSent,
  routeTemplate,
  setHeader,
  setStatus,
  type HttpRequest,
  type HttpResponse,
} from './http-exchange';
import { mergeSpecs, RouteInvalidationRules } from './route-invalidation-rules';

const X_CACHE: Record<Source, string> = {
  memory: 'HIT',
  redis: 'HIT',
  stale: 'STALE',
  loader: 'MISS',
  grace: 'MISS',
};

const ROUTE_OUTCOME: Record<Source, RouteOutcome> = {
  memory: 'hit',
  redis: 'hit',
  stale: 'stale',
  loader: 'miss',
  grace: 'miss',
};

/**
 * Registered globally by CacheModule: caches GET/HEAD routes with `@Cached` (X-Cache headers,
 * ETag/304, per-user and vary keys), and invalidates after successful routes with
 * `@InvalidateOn` or matching an `invalidationRules` entry. Every value goes through the engine.
 * Subclass it and override the protected hooks; bound with `@UseInterceptors(YourSubclass)`, the
 * subclass takes those routes over from the global one.
 */
@Injectable()
export class CacheInterceptor implements NestInterceptor {
  protected readonly rules: RouteInvalidationRules;
  private readonly deferring = new WeakMap<RoutePlan, boolean>();
  /** route stats' name of each cached route, `GET /barbers/:id`, found on its first request */
  private readonly routeNames = new WeakMap<RoutePlan, string>();
  /** ETags of stored entries: a memory hit is the same envelope object, so it is hashed once */
  private readonly etags = new WeakMap<Envelope, string>();

  constructor(
    protected readonly engine: CacheEngine,
    protected readonly plans: CachePlanRegistry,
    @Inject(CACHE_OPTIONS) protected readonly options: ResolvedCacheOptions,
  ) {
    this.rules = new RouteInvalidationRules(options.invalidationRules);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.options.enabled || context.getType() !== 'http') return next.handle();
    const plan = this.plans.route(context.getClass(), context.getHandler());
    if (this.defersToSubclass(context, plan)) return next.handle();
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const ruleSpec =
      this.rules.size > 0 ? this.rules.match(req.method, requestPath(req)) : undefined;
    const invalidate = async (result: unknown): Promise<void> => {
      const spec = mergeSpecs(ruleSpec, plan.invalidation?.resolve([req], result));
      if (spec) await this.engine.invalidator.invalidate(spec);
    };
    const needsInvalidation = ruleSpec !== undefined || plan.invalidation !== undefined;
    const cached = plan.cached;
    const key =
      cached && this.isRequestCacheable(context) ? this.trackBy(context, cached) : undefined;
    if (cached && key !== undefined && cached.applies([req])) {
      const load = () => lastValueFrom(next.handle(), { defaultValue: undefined });
      const route = this.routeName(context, plan, req);
      const stats = this.engine.stats;
      return defer(() => {
        const started = performance.now();
        return this.engine
          .fetch(key, load, () => this.entryOptions(cached, req))
          .then(
            (outcome) => {
              stats.route(route, ROUTE_OUTCOME[outcome.source], performance.now() - started);
              return outcome;
            },
            (err: unknown) => {
              stats.route(route, 'error');
              throw err;
            },
          );
      }).pipe(
        mergeMap(async (outcome) => {
          if (needsInvalidation) await invalidate(outcome.value);
          return this.respond(context, key, outcome);
        }),
      );
    }
    if (!needsInvalidation) return next.handle();
    // after success only: an error thrown by the handler skips this and passes through unchanged
    return next.handle().pipe(
      mergeMap(async (result) => {
        await invalidate(result);
        return result;
      }),
    );
  }

  /** Only GET and HEAD are cached (HEAD shares GET's entry). */
  protected isRequestCacheable(context: ExecutionContext): boolean {
    const method = context.switchToHttp().getRequest<HttpRequest>().method;
    return method === 'GET' || method === 'HEAD';
  }

  /** The engine key of this request, `<namespace>:<route key>`; undefined skips the cache. */
  protected trackBy(context: ExecutionContext, plan: CachedPlan): string | undefined {
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const route = buildRouteKey({
      method: req.method,
      url: requestUrl(req),
      headers: req.headers,
      vary: plan.vary,
      base: plan.key?.([req]),
      user: plan.perUser ? this.userOf(req) : undefined,
    });
    return `${plan.namespace}:${route}`;
  }

  /** The caller's id for per-user routes, or null when anonymous (who get an entry of their own). */
  protected userOf(req: HttpRequest): string | null {
    const id = this.options.http.userId(req);
    return id === undefined || id === null || id === '' ? null : String(id);
  }

  /** Headers, ETag and 304 for a cached route's answer; returns the body to send. */
  protected respond(context: ExecutionContext, key: string, outcome: Outcome): unknown {
    const http = context.switchToHttp();
    const res = http.getResponse<HttpResponse>();
    const { value, envelope, source } = outcome;
    if (responseSent(res)) return value;
    setHeader(res, 'X-Cache', X_CACHE[source]);
    if (this.options.http.headers) {
      setHeader(res, 'X-Cache-Key', headerSafe(key));
      if (envelope) {
        const now = Date.now();
        setHeader(res, 'X-Cache-TTL-Remaining', Math.max(0, Math.ceil((envelope.e - now) / 1000)));
        setHeader(res, 'Age', Math.max(0, Math.floor((now - envelope.c) / 1000)));
      }
    }
    if (!this.options.http.etag || value === undefined || isStreamingBody(value)) return value;
    const etag = this.etagOf(value, envelope);
    setHeader(res, 'ETag', etag);
    if (matchesIfNoneMatch(requestHeader(http.getRequest<HttpRequest>(), 'if-none-match'), etag)) {
      setStatus(res, 304);
      return undefined;
    }
    return value;
  }

  private etagOf(value: unknown, envelope: Envelope | undefined): string {
    if (!envelope) return weakEtag(value);
    let etag = this.etags.get(envelope);
    if (etag === undefined) this.etags.set(envelope, (etag = weakEtag(value)));
    return etag;
  }

  private entryOptions(plan: CachedPlan, req: HttpRequest): EntryOptions<unknown> {
    const opts = plan.entryOptions<unknown>([req]);
    const unless = opts.unless;
    // a per-user entry carries its user's tag, so that invalidateUser(id) finds it
    const user = plan.perUser ? this.userOf(req) : null;
    const tags = user === null ? opts.tags : [...(opts.tags ?? []), userTag(user)];
    return { ...opts, tags, unless: (v) => isStreamingBody(v) || (unless?.(v) ?? false) };
  }

  private routeName(context: ExecutionContext, plan: RoutePlan, req: HttpRequest): string {
    let name = this.routeNames.get(plan);
    if (name === undefined) {
      const template = routeTemplate(req, context.getClass(), context.getHandler());
      this.routeNames.set(plan, (name = `GET ${template}`));
    }
    return name;
  }

  /** A CacheInterceptor subclass bound to this route with @UseInterceptors does the work there. */
  private defersToSubclass(context: ExecutionContext, plan: RoutePlan): boolean {
    let defers = this.deferring.get(plan);
    if (defers === undefined) {
      const bound = [
        ...((Reflect.getMetadata(INTERCEPTORS_METADATA, context.getClass()) as unknown[]) ?? []),
        ...((Reflect.getMetadata(INTERCEPTORS_METADATA, context.getHandler()) as unknown[]) ?? []),
      ];
      defers = bound.some((item) => {
        const type = typeof item === 'function' ? item : (item as object | null)?.constructor;
        return (
          type !== this.constructor &&
          (type as { prototype?: unknown })?.prototype instanceof CacheInterceptor
        );
      });
      this.deferring.set(plan, defers);
    }
    return defers;
  }
}
