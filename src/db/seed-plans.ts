/**
 * Makes `subscription_plans` say what `config/plans.ts` says. Runs after the
 * migrations on every start: inserts missing plans and rewrites the fields
 * that changed, and writes nothing when nothing changed. A plan dropped from
 * the config is kept (subscriptions may still point at it) but marked inactive.
 */
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PLANS } from '../../config/plans.ts';
import type { PlanDefinition } from '../domain/plans/plan-types.ts';
import { SubscriptionPlan } from './entities/subscription-plan.ts';

/** What one seeding run did, by plan name. */
export interface SeedPlansResult {
  inserted: string[];
  updated: string[];
  unchanged: string[];
  /** Stored plans no longer in the config, now `is_active = false`. */
  deactivated: string[];
}

// Any constant works: it only has to differ from other advisory locks the app takes.
const SEED_LOCK_KEY = 'switchboard:seed_plans';

function rowOf(plan: PlanDefinition) {
  return {
    name: plan.name,
    displayName: plan.displayName,
    description: plan.description,
    priceCents: plan.priceCents,
    billingPeriod: plan.billingPeriod,
    tier: plan.tier,
    limits: plan.limits,
    features: plan.features,
    rateLimits: plan.rateLimits,
    isActive: true,
  };
}

/**
 * Upserts every configured plan in one transaction. Concurrent starts queue on
 * an advisory lock instead of racing on the unique plan name.
 */
export async function seedPlans(
  em: EntityManager,
  plans: Readonly<Record<string, PlanDefinition>> = PLANS,
): Promise<SeedPlansResult> {
  const result: SeedPlansResult = { inserted: [], updated: [], unchanged: [], deactivated: [] };
  await em.transactional(async (tx) => {
    await tx.execute('select pg_advisory_xact_lock(hashtext(?))', [SEED_LOCK_KEY]);
    const existing = new Map((await tx.find(SubscriptionPlan, {})).map((p) => [p.name, p]));
    for (const plan of Object.values(plans)) {
      const row = rowOf(plan);
      const current = existing.get(row.name);
      if (!current) {
        tx.create(SubscriptionPlan, row);
        result.inserted.push(row.name);
        continue;
      }
      // Only the differing fields are assigned, so an unchanged plan keeps its updated_at.
      const changes = Object.fromEntries(
        Object.entries(row).filter(([key, value]) => !isDeepStrictEqual(current[key as keyof typeof row], value)),
      );
      if (Object.keys(changes).length === 0) {
        result.unchanged.push(row.name);
      } else {
        tx.assign(current, changes);
        result.updated.push(row.name);
      }
    }
    const configured = new Set(Object.values(plans).map((p) => p.name));
    for (const [name, stored] of existing) {
      if (configured.has(name) || !stored.isActive) continue;
      stored.isActive = false;
      result.deactivated.push(name);
    }
  });
  return result;
}
