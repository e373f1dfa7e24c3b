/** Every `/v1/admin` router; each route is guarded by `guard.admin` (role admin). */
import type { Router } from 'express';
import type { ApiContext } from '../../api-context.ts';
import type { Guards } from '../guards.ts';
import { adminLiveRouter } from './admin-live.ts';
import { adminPressureRouter } from './admin-pressure.ts';
import { adminReportsRouter } from './admin-reports.ts';
import { adminRuntimeRouter } from './admin-runtime.ts';
import { adminUserActionsRouter } from './admin-user-actions.ts';
import { adminUsersRouter } from './admin-users.ts';

export function adminRouters(ctx: ApiContext, guard: Guards): Router[] {
  return [
    adminUsersRouter(ctx, guard),
    adminUserActionsRouter(ctx, guard),
    adminReportsRouter(ctx, guard),
    adminRuntimeRouter(ctx, guard),
    adminLiveRouter(ctx, guard),
    adminPressureRouter(ctx, guard),
  ];
}
