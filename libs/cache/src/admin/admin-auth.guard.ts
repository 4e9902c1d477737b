import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AdminAccess } from './admin-access';

const PUBLIC_ADMIN_ROUTE = 'tiered_cache:admin_public';

/** An admin endpoint anyone may call (only GET health: load balancers probe it). */
export const PublicAdminRoute = (): MethodDecorator => SetMetadata(PUBLIC_ADMIN_ROUTE, true);

/** Applies AdminAccess to every admin endpoint but the public ones. */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly access: AdminAccess,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (
      this.access.enabled &&
      this.reflector.get<boolean>(PUBLIC_ADMIN_ROUTE, context.getHandler())
    )
      return true;
    return this.access.check(context);
  }
}
