/**
 * The one place that decides whether a user's plan allows an action. The API,
 * the bot commands and the runtime all ask here, so a limit cannot hold in one
 * and leak in another. Pure: plan, usage and action in, decision out.
 */
import {
  AccountInactiveError,
  CommandNotAllowedError,
  FeatureNotInPlanError,
  QuotaExceededError,
} from '../../errors/registry.ts';
import type { SwitchboardError } from '../../errors/switchboard-error.ts';
import type { Role } from './effective-plan.ts';
import { BASIC_FILTERS, type Feature, type FilterKind, type PlanDefinition, type PlanLimits } from './plan-types.ts';

export type Platform = 'telegram' | 'discord';

/** A user's standing and current counts, as the caller read them. */
export interface UsageSnapshot {
  status: 'active' | 'suspended' | 'deleted';
  role: Role;
  /** Linked accounts of both platforms. */
  sessions: number;
  telegramAccounts: number;
  discordAccounts: number;
  /** Pairs in any status. */
  pairs: number;
  /** Pairs with status active. */
  activePairs: number;
  messagesThisPeriod: number;
  commandsThisPeriod: number;
  apiCallsThisPeriod: number;
}

/** The parts of a pair the plan has an opinion on. */
export interface PairShape {
  sourcePlatform: Platform;
  destinationPlatform: Platform;
  copyMode: boolean;
  chain: boolean;
  filters: ReadonlyArray<{ kind: FilterKind }>;
}

export type PlanAction =
  | { kind: 'link_account'; platform: Platform }
  | { kind: 'add_pair'; pair: PairShape }
  | { kind: 'update_pair'; pair: PairShape }
  | { kind: 'resume_pair' }
  | { kind: 'use_feature'; feature: Feature }
  | { kind: 'send_command'; command: string }
  | { kind: 'forward_messages'; count: number }
  | { kind: 'api_call' };

export type PlanDecision = { allowed: true } | { allowed: false; refusal: SwitchboardError };

/** Commands only admins may run, whatever their plan. */
export const ADMIN_COMMANDS: ReadonlySet<string> = new Set([
  'users', 'workers', 'stats', 'session', 'reassign', 'dead_letters', 'suspend', 'reactivate', 'setplan',
]);

const ALLOWED: PlanDecision = { allowed: true };

/** snake_case names used in refusal details and API error bodies. */
const FEATURE_NAMES: Readonly<Record<Feature, string>> = {
  copyMode: 'copy_mode',
  chainForwarding: 'chain_forwarding',
  discordForwarding: 'discord_forwarding',
  advancedFilters: 'advanced_filters',
  multiAccount: 'multi_account',
  apiKeys: 'api_keys',
};

function refuse(refusal: SwitchboardError): PlanDecision {
  return { allowed: false, refusal };
}

/** `adding` more of `resource` must keep `current + adding` within the limit (`null`: unlimited). */
function quota(plan: PlanDefinition, resource: string, limit: number | null, current: number, adding = 1): PlanDecision | null {
  if (limit === null || current + adding <= limit) return null;
  return refuse(new QuotaExceededError({ resource, current, limit, plan: plan.name }));
}

/**
 * Whether a copy may stand in for a forward the source chat refuses (it
 * protects its content): that is copying, so it takes copy mode.
 */
export function allowsCopyFallback(plan: Pick<PlanDefinition, 'features'>): boolean {
  return plan.features.copyMode;
}

/** The largest file, in bytes, the plan has the service download and upload again (`limits.fileMb`). */
export function fileLimitBytes(plan: Pick<PlanDefinition, 'limits'>): number {
  return plan.limits.fileMb * 1024 * 1024;
}

function feature(plan: PlanDefinition, name: Feature): PlanDecision | null {
  if (plan.features[name]) return null;
  return refuse(new FeatureNotInPlanError({ feature: FEATURE_NAMES[name], plan: plan.name }));
}

function pairFeatures(plan: PlanDefinition, pair: PairShape): PlanDecision | null {
  const usesDiscord = pair.sourcePlatform === 'discord' || pair.destinationPlatform === 'discord';
  return (
    (usesDiscord ? feature(plan, 'discordForwarding') : null) ??
    (pair.copyMode ? feature(plan, 'copyMode') : null) ??
    (pair.chain ? feature(plan, 'chainForwarding') : null) ??
    (pair.filters.some((f) => !BASIC_FILTERS.includes(f.kind)) ? feature(plan, 'advancedFilters') : null)
  );
}

function linkAccount(plan: PlanDefinition, usage: UsageSnapshot, platform: Platform): PlanDecision | null {
  const limits: PlanLimits = plan.limits;
  const sessions = quota(plan, 'sessions', limits.sessions, usage.sessions);
  if (sessions) return sessions;
  if (platform === 'discord') {
    return feature(plan, 'discordForwarding') ?? quota(plan, 'discord_accounts', limits.discordAccounts, usage.discordAccounts);
  }
  // A second Telegram account is the multi-account feature, not just a count.
  const multi = usage.telegramAccounts >= 1 ? feature(plan, 'multiAccount') : null;
  return multi ?? quota(plan, 'telegram_accounts', limits.telegramAccounts, usage.telegramAccounts);
}

/**
 * Decides whether `usage` may perform `action` under `plan`. Refusals carry a
 * registry error: `account_inactive`, `command_not_allowed`, `quota_exceeded`
 * (resource, current, limit, plan) or `feature_not_in_plan` (feature, plan).
 */
export function checkPlan(plan: PlanDefinition, usage: UsageSnapshot, action: PlanAction): PlanDecision {
  if (usage.status !== 'active') return refuse(new AccountInactiveError({ status: usage.status }));
  const { limits } = plan;
  let decision: PlanDecision | null;
  switch (action.kind) {
    case 'link_account':
      decision = linkAccount(plan, usage, action.platform);
      break;
    case 'add_pair':
      decision = quota(plan, 'pairs', limits.pairs, usage.pairs) ?? pairFeatures(plan, action.pair);
      break;
    case 'update_pair':
      decision = pairFeatures(plan, action.pair);
      break;
    case 'resume_pair':
      decision = quota(plan, 'active_pairs', limits.pairs, usage.activePairs);
      break;
    case 'use_feature':
      decision = feature(plan, action.feature);
      break;
    case 'send_command':
      decision =
        ADMIN_COMMANDS.has(action.command) && usage.role !== 'admin'
          ? refuse(new CommandNotAllowedError({ command: action.command, role: usage.role }))
          : quota(plan, 'commands', limits.commandsPerPeriod, usage.commandsThisPeriod);
      break;
    case 'forward_messages':
      decision = quota(plan, 'messages', limits.messagesPerPeriod, usage.messagesThisPeriod, action.count);
      break;
    case 'api_call':
      decision = quota(plan, 'api_calls', limits.apiCallsPerPeriod, usage.apiCallsThisPeriod);
      break;
  }
  return decision ?? ALLOWED;
}

/** Throws the refusal of {@link checkPlan}, for callers that answer with the error directly. */
export function assertPlanAllows(plan: PlanDefinition, usage: UsageSnapshot, action: PlanAction): void {
  const decision = checkPlan(plan, usage, action);
  if (!decision.allowed) throw decision.refusal;
}
