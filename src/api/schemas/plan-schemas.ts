/** Plans as the API shows them: the definitions of config/plans.ts, `null` limits meaning unlimited. */
import { z } from 'zod';
import type { PlanDefinition } from '../../domain/plans/plan-types.ts';

export const TIER_NAMES = ['free', 'pro', 'elite'] as const;

const limit = z.number().int().nonnegative().nullable();

export const planSchema = z.object({
  name: z.enum(TIER_NAMES),
  displayName: z.string(),
  description: z.string(),
  priceCents: z.number().int().nonnegative(),
  billingPeriod: z.enum(['monthly']).nullable(),
  limits: z.object({
    sessions: limit, pairs: limit, telegramAccounts: limit, discordAccounts: limit,
    messagesPerPeriod: limit, commandsPerPeriod: limit, apiCallsPerPeriod: limit,
    queueBacklog: z.number().int().nonnegative(),
    fileMb: z.number().int().positive().describe('Largest file (MiB) downloaded and uploaded again; larger ones go as a line with name and size'),
  }).describe('`null`: unlimited'),
  features: z.object({
    copyMode: z.boolean(), chainForwarding: z.boolean(), discordForwarding: z.boolean(),
    advancedFilters: z.boolean(), multiAccount: z.boolean(), apiKeys: z.boolean(),
  }),
  rateLimits: z.object({ apiPerMinute: z.number().int(), commandsPerMinute: z.number().int(), messagesPerMinute: z.number().int() }),
});

export function planView(plan: PlanDefinition): z.infer<typeof planSchema> {
  return {
    name: plan.name,
    displayName: plan.displayName,
    description: plan.description,
    priceCents: plan.priceCents,
    billingPeriod: plan.billingPeriod,
    limits: { ...plan.limits },
    features: { ...plan.features },
    rateLimits: { ...plan.rateLimits },
  };
}
