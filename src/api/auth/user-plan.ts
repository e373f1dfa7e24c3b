/**
 * A user's plan as of now: the current subscription through the pure rules
 * of effective-plan.ts (a lapsed one falls back to Free), resolved against
 * `config/plans.ts`, the source the database seed is written from.
 * Remembered per request, so the rate limiter and a route share one query.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request } from 'express';
import { PLANS } from '../../../config/plans.ts';
import { CURRENT_SUBSCRIPTION_STATUSES, UserSubscription } from '../../db/entities/user-subscription.ts';
import { effectivePlan } from '../../domain/plans/effective-plan.ts';
import type { PlanDefinition } from '../../domain/plans/plan-types.ts';
import type { ApiContext } from '../api-context.ts';

export async function planOf(em: EntityManager, userId: string, now: Date): Promise<PlanDefinition> {
  const subscription = await em.findOne(
    UserSubscription,
    { user: userId, status: { $in: [...CURRENT_SUBSCRIPTION_STATUSES] } },
    { populate: ['plan'] },
  );
  const tier = effectivePlan(
    subscription === null
      ? null
      : { plan: subscription.plan.getEntity().name, status: subscription.status, expiresAt: subscription.expiresAt ?? null },
    now,
  );
  return PLANS[tier];
}

const memo = new WeakMap<Request, Promise<PlanDefinition>>();

/** Records the plan `authenticate` already read with the user, so the request never asks again. */
export function rememberPlan(req: Request, plan: PlanDefinition): void {
  memo.set(req, Promise.resolve(plan));
}

/** The plan of the signed-in user of `req` (call after `authenticate`), read once per request. */
export function requestPlan(ctx: ApiContext, req: Request): Promise<PlanDefinition> {
  const userId = req.auth?.userId;
  if (userId === undefined) throw new TypeError('requestPlan: the request is not authenticated');
  let plan = memo.get(req);
  if (plan === undefined) {
    plan = planOf(ctx.orm.em.fork(), userId, new Date(ctx.now()));
    memo.set(req, plan);
  }
  return plan;
}
