import type { DynamicModule } from '@nestjs/common';
import { DISABLED_PATH, mountController } from '../admin/admin-api';
import type { AdminOptions } from '../options/cache-options.interface';
import { DashboardAssets } from './dashboard-assets';
import { DashboardController } from './dashboard.controller';

/**
 * Adds the web dashboard at `<admin.path>/dashboard`, next to the admin API it calls.
 * `admin: false` or `admin.dashboard: false` given to `forRoot` mounts nothing; from a
 * `forRootAsync` factory the routes move out of the way and answer 404, as the admin API's do.
 */
export function withDashboard(
  definition: DynamicModule,
  admin?: AdminOptions | false,
): DynamicModule {
  if (admin === false || admin?.dashboard === false) return definition;
  const { controller, route } = mountController(DashboardController, (options) =>
    options.admin && options.admin.dashboard
      ? `${options.admin.path}/dashboard`
      : `${DISABLED_PATH}/dashboard`,
  );
  return {
    ...definition,
    controllers: [...(definition.controllers ?? []), controller],
    providers: [...(definition.providers ?? []), DashboardAssets, route],
  };
}
