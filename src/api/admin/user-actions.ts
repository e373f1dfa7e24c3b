/**
 * The admin actions on a user that both the admin API and the control bots
 * run: suspend or reactivate, and change the plan. One implementation, so
 * the bot's `/setplan` pauses what the new limits pause, audits and tells
 * the runtime exactly as `PUT /v1/admin/users/{id}/plan` does.
 */
import type { IUser } from '../../db/entities/user.ts';
import { UserSubscription, type IUserSubscription } from '../../db/entities/user-subscription.ts';
import type { Tier } from '../../domain/plans/plan-types.ts';
import { AccountStateConflictError, ValidationFailedError } from '../../errors/registry.ts';
import type { ApiContext, RuntimeChange } from '../api-context.ts';
import { planSwitchChanges, switchPlan, type PlanSwitch } from '../subscriptions/switch-plan.ts';
import { noticePausedPairs } from '../jobs/chat-notices.ts';
import { tellRuntime } from '../tell-runtime.ts';
import { adminAction, type AdminActor } from './admin-action.ts';

/** A status an admin sets, with what it means for the runtime. */
export interface StatusVerb {
  verb: 'suspend' | 'reactivate';
  summary: string;
  action: string;
  to: IUser['status'];
  runtime: RuntimeChange['action'];
  notOnSelf?: string;
}

export const STATUS_VERBS: readonly StatusVerb[] = [
  { verb: 'suspend', summary: 'Suspend a user: they cannot sign in, nothing of theirs runs, data kept', action: 'admin.user_suspended', to: 'suspended', runtime: 'pause', notOnSelf: 'suspend' },
  { verb: 'reactivate', summary: 'Reactivate a suspended user', action: 'admin.user_reactivated', to: 'active', runtime: 'resume' },
];

/** Sets the user's status (a deleted user stays deleted) and tells the runtime when it changed. */
export async function setUserStatus(ctx: ApiContext, actor: AdminActor, userId: string, verb: StatusVerb): Promise<{ user: IUser; changed: boolean }> {
  const { user, changed } = await adminAction(ctx, actor, userId, { action: verb.action, ...(verb.notOnSelf ? { notOnSelf: verb.notOnSelf } : {}) }, async (_em, u) => {
    if (u.status === 'deleted') throw new AccountStateConflictError({ accountId: userId, status: u.status, requested: verb.to });
    const before = { status: u.status };
    u.status = verb.to;
    return { before, after: { status: u.status }, result: { user: u, changed: before.status !== verb.to } };
  });
  if (changed) await tellRuntime(ctx, [{ kind: 'user', id: userId, userId, action: verb.runtime }]);
  return { user, changed };
}

export interface PlanChange {
  change: PlanSwitch;
  user: IUser;
  subscription: IUserSubscription;
}

/**
 * Moves the user to `plan` until `expiresAt` (null: never), pausing what
 * the new limits do not allow; refuses an expiry that is not in the future.
 */
export async function changeUserPlan(ctx: ApiContext, actor: AdminActor, userId: string, plan: Tier, expiresAt: Date | null): Promise<PlanChange> {
  const at = new Date(ctx.now());
  if (expiresAt !== null && expiresAt.getTime() <= at.getTime()) {
    throw new ValidationFailedError({ details: [{ path: 'expiresAt', message: 'Must be in the future' }] });
  }
  const outcome = await adminAction(ctx, actor, userId, { action: 'admin.plan_changed' }, async (em, u) => {
    const switched = await switchPlan(em, { user: u, toPlan: plan, expiresAt, closeAs: 'cancelled', now: at });
    const row = await em.findOneOrFail(UserSubscription, { user: userId, status: 'active' }, { populate: ['plan'] });
    return {
      before: { plan: switched.fromPlan, role: switched.roleBefore },
      after: {
        plan: switched.toPlan, role: switched.roleAfter, expiresAt: expiresAt?.toISOString() ?? null,
        pausedPairs: switched.paused.pausePairs, pausedAccounts: switched.paused.pauseAccounts,
      },
      result: { change: switched, user: u, subscription: row },
    };
  });
  await tellRuntime(ctx, planSwitchChanges(outcome.change));
  await noticePausedPairs(ctx, outcome.change, at);
  return outcome;
}
