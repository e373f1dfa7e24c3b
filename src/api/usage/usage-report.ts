/**
 * `GET /v1/usage`'s figures: each count against its plan limit, with a
 * warning from 80 % on, so a client can nudge before a refusal happens.
 */
import { z } from 'zod';
import type { PlanDefinition } from '../../domain/plans/plan-types.ts';
import type { UserUsage } from './user-usage.ts';

/** Share of a limit from which a figure carries `warning: true`. */
export const USAGE_WARNING_RATIO = 0.8;

export const figureSchema = z.object({
  used: z.number().int().nonnegative(),
  limit: z.number().int().nonnegative().nullable().describe('`null`: unlimited'),
  warning: z.boolean().describe(`At ${USAGE_WARNING_RATIO * 100} % of the limit or more`),
});

export const usageReportSchema = z.object({
  plan: z.enum(['free', 'pro', 'elite']),
  period: z.object({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) }),
  figures: z.object({
    pairs: figureSchema,
    sessions: figureSchema.describe('Linked accounts, both platforms'),
    telegramAccounts: figureSchema,
    discordAccounts: figureSchema,
    messagesForwarded: figureSchema.describe('This period'),
    apiCalls: figureSchema.describe('This period, this call included'),
    commands: figureSchema.describe('Bot commands this period'),
  }),
});

export type UsageReport = z.infer<typeof usageReportSchema>;

export function figure(used: number, limit: number | null): z.infer<typeof figureSchema> {
  return { used, limit, warning: limit !== null && used >= limit * USAGE_WARNING_RATIO };
}

export function usageReport(plan: PlanDefinition, usage: UserUsage): UsageReport {
  const { limits } = plan;
  const { counts, counters } = usage;
  return {
    plan: plan.name,
    period: { start: usage.period.start.toISOString(), end: usage.period.end.toISOString() },
    figures: {
      pairs: figure(counts.pairs, limits.pairs),
      sessions: figure(counts.sessions, limits.sessions),
      telegramAccounts: figure(counts.telegramAccounts, limits.telegramAccounts),
      discordAccounts: figure(counts.discordAccounts, limits.discordAccounts),
      messagesForwarded: figure(counters.messages, limits.messagesPerPeriod),
      apiCalls: figure(counters.api_calls, limits.apiCallsPerPeriod),
      commands: figure(counters.commands, limits.commandsPerPeriod),
    },
  };
}
