/**
 * Which plan and role a user has right now. Pure: the clock is an argument,
 * so the expiry job, the API and the runtime all agree on the same instant.
 */
import type { Tier } from './plan-types.ts';

export type Role = 'admin' | 'premium_user' | 'free_user';
export type SubscriptionStatus = 'active' | 'trial' | 'cancelled' | 'expired';

export interface SubscriptionView {
  plan: Tier;
  status: SubscriptionStatus;
  /** `null` for a subscription that never expires. */
  expiresAt: Date | null;
}

/**
 * A lapsed, cancelled or missing subscription falls back to Free; an expiry
 * exactly at `now` counts as lapsed, so a plan never runs a moment past what
 * was paid for.
 */
export function effectivePlan(subscription: SubscriptionView | null, now: Date): Tier {
  if (subscription === null) return 'free';
  if (subscription.status !== 'active' && subscription.status !== 'trial') return 'free';
  if (subscription.expiresAt !== null && subscription.expiresAt.getTime() <= now.getTime()) return 'free';
  return subscription.plan;
}

/**
 * The role follows the plan (premium while a paid plan is in force) unless an
 * admin set it by hand; admins stay admins whatever they pay.
 */
export function effectiveRole(current: Role, roleOverridden: boolean, plan: Tier): Role {
  if (current === 'admin' || roleOverridden) return current;
  return plan === 'free' ? 'free_user' : 'premium_user';
}
