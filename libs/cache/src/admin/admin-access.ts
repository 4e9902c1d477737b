import {
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
  type OnModuleInit,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import { isObservable, lastValueFrom } from 'rxjs';
import { CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../options/resolved-options';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

/**
 * Who may use the admin API. A request passes with `Authorization: Bearer <admin.token>` or,
 * when one is configured, when `admin.guard` lets it through. With neither configured, every
 * protected endpoint answers 403 (secure by default) and bootstrap logs a warning.
 */
@Injectable()
export class AdminAccess implements OnModuleInit {
  private readonly logger = new Logger('CacheAdmin');
  /** SHA-256 of the token: digests have equal lengths, so timingSafeEqual never leaks the length */
  private readonly tokenDigest: Buffer | undefined;
  private userGuard: CanActivate | undefined;

  constructor(
    @Inject(CACHE_OPTIONS) private readonly options: ResolvedCacheOptions,
    private readonly moduleRef: ModuleRef,
  ) {
    const token = options.admin ? options.admin.token : undefined;
    this.tokenDigest = token ? digest(token) : undefined;
  }

  get enabled(): boolean {
    return this.options.admin !== false;
  }

  async onModuleInit(): Promise<void> {
    const admin = this.options.admin;
    if (!admin) return;
    if (admin.guard) this.userGuard = await this.resolveGuard(admin.guard);
    if (!this.tokenDigest && !this.userGuard) {
      this.logger.warn(
        `the cache admin API at /${admin.path} has no admin.token (CACHE_ADMIN_TOKEN) and no admin.guard: ` +
          'every endpoint but GET health answers 403',
      );
    }
  }

  /** Throws 404 (disabled), 403 (not configured, or refused by the guard) or 401 (bad token). */
  async check(context: ExecutionContext): Promise<true> {
    if (!this.enabled) throw new NotFoundException();
    if (!this.tokenDigest && !this.userGuard) {
      throw new ForbiddenException(
        'the cache admin API is not configured: set admin.token or admin.guard',
      );
    }
    const header = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>()
      .headers.authorization;
    if (this.tokenDigest && this.tokenMatches(header)) return true;
    if (this.userGuard) {
      const verdict = this.userGuard.canActivate(context);
      const allowed = isObservable(verdict) ? await lastValueFrom(verdict) : await verdict;
      if (allowed) return true;
      throw new ForbiddenException('refused by admin.guard');
    }
    throw new UnauthorizedException(
      header === undefined ? 'a bearer token is required' : 'invalid bearer token',
    );
  }

  private tokenMatches(header: unknown): boolean {
    if (typeof header !== 'string' || header.length > 4096) return false;
    const match = BEARER.exec(header);
    return match !== null && timingSafeEqual(digest(match[1]), this.tokenDigest as Buffer);
  }

  /** The application's instance when it provides the guard, else one made here with DI. */
  private async resolveGuard(
    type: NonNullable<Exclude<ResolvedCacheOptions['admin'], false>['guard']>,
  ): Promise<CanActivate> {
    try {
      return this.moduleRef.get(type, { strict: false });
    } catch {
      return this.moduleRef.create(type);
    }
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
