/**
 * Plan limits and features in the words replies use. Keyed by the plan
 * types, so a limit or feature added to the plans cannot reach a user as a
 * raw key name. Pure.
 */
import type { PlanFeatures, PlanLimits } from '../../domain/plans/plan-types.ts';

export const LIMIT_WORDS: Readonly<Record<keyof PlanLimits, string>> = {
  sessions: 'accounts running at once',
  pairs: 'pairs',
  telegramAccounts: 'Telegram accounts',
  discordAccounts: 'Discord bots',
  messagesPerPeriod: 'messages a month',
  commandsPerPeriod: 'bot commands a month',
  apiCallsPerPeriod: 'API calls a month',
  queueBacklog: 'messages waiting to be forwarded',
  fileMb: 'largest file, in megabytes',
};

export const FEATURE_WORDS: Readonly<Record<keyof PlanFeatures, string>> = {
  copyMode: 'copy mode',
  chainForwarding: 'chains',
  discordForwarding: 'Discord forwarding',
  advancedFilters: 'advanced filters',
  multiAccount: 'several Telegram accounts',
  apiKeys: 'API keys',
};
