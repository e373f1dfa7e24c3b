/** The forwarding task the scheduler orders, and what its operations answer. */
import type { Tier } from '../../domain/plans/plan-types.ts';

/** What a task asks the sending account to do with the destination message. */
export type ForwardOp = 'send' | 'edit' | 'delete';

export const FORWARD_OPS: readonly ForwardOp[] = ['send', 'edit', 'delete'];

/** One message operation to forward through one pair. Times are virtual-clock ms. */
export interface ForwardTask {
  id: string;
  /** Same key, same task: enqueueing it again while it is held is a no-op. */
  idempotencyKey: string;
  /** Tasks of one pair are handed out one at a time, in enqueue order. */
  pairId: string;
  userId: string;
  tier: Tier;
  /** The Telegram session or Discord bot that performs the operation. */
  sendingAccountId: string;
  op: ForwardOp;
  sourceMessageRef: string;
  payloadRef: string;
  enqueuedAt: number;
  /** Not handed out before this time; later tasks of the pair wait behind it. */
  notBefore?: number;
  /** Times handed out so far. */
  attempts: number;
}

/** A task as the scheduler holds it: what the I/O layer persists and restores. */
export interface ScheduledTask extends ForwardTask {
  /** Enqueue sequence number: restore replays each pair in this order. */
  seq: number;
  /** Message of the most recent failure. */
  lastError?: string;
}

/** What `enqueue` accepts: `attempts` defaults to 0. */
export type NewForwardTask = Omit<ForwardTask, 'attempts'> & { attempts?: number };

export type EnqueueResult =
  | { accepted: true; /** The id or idempotency key was already held; `task` is that task. */ duplicate: boolean; task: ScheduledTask }
  | {
      accepted: false;
      reason: 'backlog_full';
      /** Whose cap was hit: the user's plan backlog or the tier's. */
      scope: 'user' | 'tier';
      limit: number;
      queued: number;
    };

export type TakeResult =
  | { task: ScheduledTask; workerId: string }
  | { task: null; /** Earliest time something may become runnable; null if only an ack or enqueue can help. */ wakeAt: number | null };

/** Why `ack` or `fail` did nothing: a stale or duplicate completion. */
export type IgnoredReason = 'unknown_task' | 'not_in_flight';

export type AckResult = { ok: true; task: ScheduledTask } | { ok: false; reason: IgnoredReason };

export interface FailOptions {
  /** Dead-letter at once instead of retrying. Default false. */
  permanent?: boolean;
  /** Platform-given minimum delay (e.g. 429 retry_after); the retry waits at least this long. */
  retryAfterMs?: number;
  /**
   * The send never reached the platform: the sending account's own pacing
   * put it off (a busy chat, the account's send budget). Not an attempt: it
   * is not counted, and the task waits exactly `retryAfterMs`, without
   * backoff, so it comes back when its slot is due. Default false.
   */
  paced?: boolean;
}

export type FailResult =
  | { outcome: 'retry'; task: ScheduledTask; retryAt: number; delayMs: number }
  | { outcome: 'dead_letter'; task: ScheduledTask; reason: 'permanent' | 'max_attempts'; error: string }
  | { outcome: 'ignored'; reason: IgnoredReason };

export interface RestoreReport {
  restored: number;
  /** Ids skipped because their id or idempotency key came earlier in the list. */
  duplicates: string[];
}

export interface AdoptReport extends RestoreReport {
  /**
   * Tasks held here of pairs held for a handover, now behind the adopted
   * ones of their pair, with the new `seq` the store must move them to.
   */
  moved: ScheduledTask[];
}
