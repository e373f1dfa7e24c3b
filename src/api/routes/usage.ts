/** `GET /v1/usage`: this period's figures against the plan's limits (see usage/usage-report.ts). */
import { Router } from 'express';
import { User } from '../../db/entities/user.ts';
import { AccountInactiveError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { authOf } from '../auth/authenticate.ts';
import { requestPlan } from '../auth/user-plan.ts';
import { usageReport, usageReportSchema } from '../usage/usage-report.ts';
import { loadUserUsage } from '../usage/user-usage.ts';
import type { Guards } from './guards.ts';
import { mountRoute } from '../openapi/mount-route.ts';

export function usageRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();
  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/usage', summary: 'This period\'s usage against your plan\'s limits', tags: ['plans'], auth: 'user',
    responses: { 200: { description: 'Each figure with its limit and an 80 % warning', schema: usageReportSchema } },
  }, ...guard.user('read'), async (req, res) => {
    const em = ctx.orm.em.fork();
    const user = await em.findOne(User, { id: authOf(req).userId });
    if (user === null) throw new AccountInactiveError({ status: 'deleted' });
    const [plan, usage] = await Promise.all([requestPlan(ctx, req), loadUserUsage(ctx, em, user)]);
    res.json(usageReport(plan, usage));
  });
  return router;
}
