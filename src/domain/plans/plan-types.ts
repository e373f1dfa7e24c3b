/**
 * The shape of a subscription plan, shared by the plan definitions in
 * `config/plans.ts`, the database seed and the plan rules.
 */

/** Scheduling tier a plan's work runs at: Elite before Pro before Free. */
export type Tier = 'free' | 'pro' | 'elite';

/** Tiers from highest priority to lowest. */
export const TIERS_BY_PRIORITY: readonly Tier[] = ['elite', 'pro', 'free'];

/** Numeric queue priority of each tier; larger runs first. */
export const TIER_PRIORITY: Readonly<Record<Tier, number>> = { elite: 3, pro: 2, free: 1 };

/** Count limits of a plan. `null` means unlimited. */
export interface PlanLimits {
  /** Linked accounts (Telegram sessions plus Discord bots) running as actors at once. */
  sessions: number | null;
  /** Forwarding pairs, active or paused. */
  pairs: number | null;
  /** Linked Telegram user accounts. */
  telegramAccounts: number | null;
  /** Linked Discord bots. */
  discordAccounts: number | null;
  /** Messages forwarded per usage period. */
  messagesPerPeriod: number | null;
  /** Bot commands per usage period. */
  commandsPerPeriod: number | null;
  /** API calls per usage period. */
  apiCallsPerPeriod: number | null;
  /** Forwarding tasks this user may have waiting in the scheduler. */
  queueBacklog: number;
  /**
   * Largest file, in MiB, the service downloads and uploads again for this
   * user; a larger one goes as a line with its name and size. Files a
   * Telegram forward or copy carries by reference are not transferred and
   * pass whatever their size. The platform's own upload limit applies too.
   */
  fileMb: number;
}

/** Things a plan may or may not include. */
export interface PlanFeatures {
  /** Re-post as our own message instead of a native forward. */
  copyMode: boolean;
  /** A pair's destination may be another pair's source. */
  chainForwarding: boolean;
  /** Pairs that read from or write to Discord. */
  discordForwarding: boolean;
  /** Regex, media-type, replace, templates, link and mention stripping (keywords are basic). */
  advancedFilters: boolean;
  /** More than one Telegram account. */
  multiAccount: boolean;
  /** Programmatic access with API keys. */
  apiKeys: boolean;
}

/** Requests allowed per minute in each rate-limited scope. */
export interface PlanRateLimits {
  apiPerMinute: number;
  commandsPerMinute: number;
  messagesPerMinute: number;
}

export interface PlanDefinition {
  /** Stable plan name stored with subscriptions: `free`, `pro`, `elite`. */
  name: Tier;
  displayName: string;
  description: string;
  /** Price per billing period in cents; 0 for Free. */
  priceCents: number;
  /** `monthly`, or `null` for a plan that is never billed. */
  billingPeriod: 'monthly' | null;
  tier: Tier;
  limits: PlanLimits;
  features: PlanFeatures;
  rateLimits: PlanRateLimits;
}

/** The features a plan can be asked about. */
export type Feature = keyof PlanFeatures;

/** Filter kinds a pair may use. Keyword filters are in every plan. */
export type FilterKind =
  | 'keyword'
  | 'regex'
  | 'media_type'
  | 'replace'
  | 'template'
  | 'remove_links'
  | 'strip_mentions';

export const BASIC_FILTERS: readonly FilterKind[] = ['keyword'];
