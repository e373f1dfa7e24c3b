/**
 * What the dispatcher is given to work with: the scheduler side it takes
 * tasks from and reports to, and the hooks the forwarding engine fills in
 * (resolving a task into its send, recording a delivery, hearing what a
 * failed send did, where an account runs instead).
 */
import type { SendNotice, SendTask } from '../src/runtime-contracts/actor-contract.ts';
import type { ScheduledTask, TakeResult } from '../src/scheduler/core/task.ts';

/** What the dispatcher needs of the (durable) scheduler. */
export interface DispatchQueue {
  take(now: number): TakeResult;
  ack(taskId: string, now: number): Promise<unknown>;
  fail(taskId: string, error: string, now: number, options: { permanent?: boolean; retryAfterMs?: number; paced?: boolean }): Promise<unknown>;
  blockAccount(accountId: string, untilMs: number, reason: 'flood_wait' | 'rate_limited'): void;
  /** Lets an in-flight task go to `toOwner`'s shard; resolves once Redis has it there. */
  handOver(taskId: string, toOwner: string, now: number): Promise<unknown>;
}

/**
 * The live supervisor other than this one whose session runs `accountId`
 * now, or null (none, this one, or unknown).
 */
export type AccountLocator = (accountId: string) => Promise<string | null>;

/**
 * Turns a scheduled task into what the sending actor performs; null means the
 * work is already done (a redelivered task the message links know), so the
 * task is acknowledged without a send.
 */
export type SendResolver = (task: ScheduledTask) => SendTask | null | Promise<SendTask | null>;

/**
 * Records a successful send before the task is acknowledged (the forwarding
 * engine's message links). Throwing makes the attempt count as a transient
 * failure: the retry's send carries the same nonce, so the platform answers
 * with the message it already made instead of a second one.
 */
export type DeliveryRecorder = (task: ScheduledTask, send: SendTask, result: { destinationMessageIds: string[] }) => Promise<void>;

/** What a failed send did before it failed: the parts it posted, the topic it opened. */
export interface SendProgress {
  sentPartIds?: string[];
  openedTopicId?: string;
}

/**
 * Hears what a failed send did before it failed, for its retry to build on
 * (resume after the parts, post into the topic instead of opening another).
 * Awaited before the failure is recorded, so the retry finds it; must not throw.
 */
export type PartialSendListener = (task: ScheduledTask, send: SendTask, progress: SendProgress) => void | Promise<void>;

/**
 * Hears that a send's destination holds posts only (a Discord forum or
 * media channel) and learns it; true when the task's next dispatch will be
 * placed in a post (it then goes again at once, costing no attempt), false
 * when it cannot be (the task fails for good with a notice).
 */
export type NeedsTopicListener = (task: ScheduledTask, send: SendTask) => boolean | Promise<boolean>;

/** Hears the notice a send result carries (ok or failed); must not throw or wait: the outcome is recorded regardless. */
export type NoticeListener = (task: ScheduledTask, notice: SendNotice) => void;

/**
 * Until the forwarding engine resolves pairs and payloads, a task is sent to
 * the chat named by its payload reference's `chat:` prefix, or `pair:<id>`.
 */
export const defaultSendResolver: SendResolver = (task) => ({
  taskId: task.id,
  idempotencyKey: task.idempotencyKey,
  pairId: task.pairId,
  op: task.op,
  chatId: `pair:${task.pairId}`,
  payload: task.payloadRef,
});
