/**
 * The plans Switchboard sells, seeded into `subscription_plans` by migration
 * and read by the plan rules. Limits follow the product's requirement notes:
 * Free 1 session / 5 pairs / low priority / basic filters; Pro 3 sessions /
 * unlimited pairs / high priority; Elite 5 sessions / multi-account / highest.
 */
import type { PlanDefinition, Tier } from '../src/domain/plans/plan-types.ts';

export const PLANS: Readonly<Record<Tier, PlanDefinition>> = Object.freeze({
  free: {
    name: 'free',
    displayName: 'Free',
    description: 'One linked account, five pairs, keyword filters, low priority.',
    priceCents: 0,
    billingPeriod: null,
    tier: 'free',
    limits: {
      sessions: 1,
      pairs: 5,
      telegramAccounts: 1,
      discordAccounts: 1,
      messagesPerPeriod: 10_000,
      commandsPerPeriod: 1_000,
      apiCallsPerPeriod: 10_000,
      queueBacklog: 500,
      fileMb: 20,
    },
    features: {
      copyMode: false,
      chainForwarding: false,
      discordForwarding: true,
      advancedFilters: false,
      multiAccount: false,
      apiKeys: false,
    },
    rateLimits: { apiPerMinute: 60, commandsPerMinute: 10, messagesPerMinute: 20 },
  },
  pro: {
    name: 'pro',
    displayName: 'Pro',
    description: 'Three linked accounts, unlimited pairs, every filter, high priority.',
    priceCents: 999,
    billingPeriod: 'monthly',
    tier: 'pro',
    limits: {
      sessions: 3,
      pairs: null,
      telegramAccounts: 1,
      discordAccounts: 3,
      messagesPerPeriod: 250_000,
      commandsPerPeriod: 20_000,
      apiCallsPerPeriod: 200_000,
      queueBacklog: 5_000,
      fileMb: 200,
    },
    features: {
      copyMode: true,
      chainForwarding: true,
      discordForwarding: true,
      advancedFilters: true,
      multiAccount: false,
      apiKeys: false,
    },
    rateLimits: { apiPerMinute: 300, commandsPerMinute: 30, messagesPerMinute: 120 },
  },
  elite: {
    name: 'elite',
    displayName: 'Elite',
    description: 'Five linked accounts with several Telegram accounts, API keys, highest priority.',
    priceCents: 2999,
    billingPeriod: 'monthly',
    tier: 'elite',
    limits: {
      sessions: 5,
      pairs: null,
      telegramAccounts: 5,
      discordAccounts: 5,
      messagesPerPeriod: null,
      commandsPerPeriod: null,
      apiCallsPerPeriod: null,
      queueBacklog: 20_000,
      // Telegram's own limit for an upload (4,000 parts of 512 KiB).
      fileMb: 2_000,
    },
    features: {
      copyMode: true,
      chainForwarding: true,
      discordForwarding: true,
      advancedFilters: true,
      multiAccount: true,
      apiKeys: true,
    },
    rateLimits: { apiPerMinute: 1_200, commandsPerMinute: 60, messagesPerMinute: 600 },
  },
});
