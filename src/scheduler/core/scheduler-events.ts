/** Events the scheduler reports for every delay and rejection. */
import type { Tier } from '../../domain/plans/plan-types.ts';

/** What a platform said when it told an account to wait. */
export type AccountBlockReason = 'flood_wait' | 'rate_limited';

/**
 * Why runnable work was held back: `load` in-flight caps of an account or
 * worker, `plan_rate` the user's messages per minute, `flood_wait` a platform
 * block on the account, `pair_delay` a task's own `notBefore`, `retry_backoff`
 * a failed task waiting to retry, `account_pacing` the account's minimum
 * interval or its own pacing of the platform (a send handed back unsent),
 * `handover` earlier tasks of the pair held by another supervisor's shard.
 */
export type DelayReason = 'load' | 'plan_rate' | 'flood_wait' | 'pair_delay' | 'retry_backoff' | 'account_pacing' | 'handover';

export const DELAY_REASONS: readonly DelayReason[] = [
  'load', 'plan_rate', 'flood_wait', 'pair_delay', 'retry_backoff', 'account_pacing', 'handover',
];

export type RejectReason = 'backlog_full';

export const REJECT_REASONS: readonly RejectReason[] = ['backlog_full'];

export interface DelayedEvent {
  type: 'delayed';
  reason: DelayReason;
  at: number;
  /** When the hold ends; null when it ends on a completion (`load`). */
  until: number | null;
  /** The task that was next in line; its pair, or its whole user or account, waits. */
  taskId: string;
  pairId: string;
  userId: string;
  accountId: string;
  tier: Tier;
  /** Set for `flood_wait`. */
  blockReason?: AccountBlockReason;
}

export interface RejectedEvent {
  type: 'rejected';
  reason: RejectReason;
  at: number;
  taskId: string;
  pairId: string;
  userId: string;
  tier: Tier;
  scope: 'user' | 'tier';
  limit: number;
  queued: number;
}

export type SchedulerEvent = DelayedEvent | RejectedEvent;
