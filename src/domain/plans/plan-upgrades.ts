/**
 * What each plan above the current one adds: the limits that grow and the
 * features the current plan lacks. `/v1/upgrade` and the bot's `/upgrade`
 * both show it. Pure.
 */
import { PLANS } from '../../../config/plans.ts';
import { TIER_PRIORITY, TIERS_BY_PRIORITY, type PlanDefinition, type PlanLimits } from './plan-types.ts';

/** Where no payment provider is configured, plans change through an administrator. */
export const PAYMENT_NOTE = 'Online payment is not set up on this server: to change plans, contact an administrator, who can switch your plan at once.';

export interface LimitGain {
  limit: keyof PlanLimits;
  /** `null`: unlimited. */
  from: number | null;
  to: number | null;
}

export interface UpgradeOption {
  plan: PlanDefinition;
  limits: LimitGain[];
  features: Array<keyof PlanDefinition['features']>;
}

function limitGains(from: PlanLimits, to: PlanLimits): LimitGain[] {
  return (Object.keys(to) as Array<keyof PlanLimits>)
    .filter((k) => to[k] !== from[k] && (to[k] === null || (from[k] !== null && (to[k] as number) > (from[k] as number))))
    .map((k) => ({ limit: k, from: from[k], to: to[k] }));
}

/** The plans above `current`, cheapest first, with what each adds. */
export function upgradeOptions(current: PlanDefinition): UpgradeOption[] {
  return [...TIERS_BY_PRIORITY].reverse()
    .filter((tier) => TIER_PRIORITY[tier] > TIER_PRIORITY[current.tier])
    .map((tier) => {
      const plan = PLANS[tier];
      const features = (Object.keys(plan.features) as Array<keyof PlanDefinition['features']>)
        .filter((f) => plan.features[f] && !current.features[f]);
      return { plan, limits: limitGains(current.limits, plan.limits), features };
    });
}
