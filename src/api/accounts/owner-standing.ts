/**
 * The caller's standing for a write: their user row locked for the rest of
 * the transaction, their plan, and the counts the plan rules judge. Locking
 * the user row serialises one user's creates, so two requests racing for the
 * last pair of a quota cannot both see room for it.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { User, type IUser } from '../../db/entities/user.ts';
import type { PlanDefinition } from '../../domain/plans/plan-types.ts';
import { AccountInactiveError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { planOf } from '../auth/user-plan.ts';
import type { UsageSnapshot } from '../../domain/plans/plan-rules.ts';
import { ZERO_COUNTERS } from '../usage/usage-counters.ts';
import { countResources, usageSnapshot, type ResourceCounts } from '../usage/user-usage.ts';

export interface OwnerStanding {
  user: IUser;
  plan: PlanDefinition;
  counts: ResourceCounts;
  /**
   * The input of the plan rules. Per-period counters are left at 0: no write
   * here is judged on them (API calls are judged by countApiCalls).
   */
  snapshot: UsageSnapshot;
}

/** Call inside `em.transactional`; `lock: false` for a read-only pre-check outside one. */
export async function ownerStanding(ctx: ApiContext, em: EntityManager, userId: string, lock = true): Promise<OwnerStanding> {
  const user = await em.findOne(User, { id: userId }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  // authenticate() checked the status a moment ago; a suspension since then wins.
  if (user === null || user.status !== 'active') throw new AccountInactiveError({ status: user?.status ?? 'deleted' });
  const [plan, counts] = await Promise.all([planOf(em, userId, new Date(ctx.now())), countResources(ctx, em, userId)]);
  return { user, plan, counts, snapshot: usageSnapshot(user, counts, ZERO_COUNTERS) };
}
