/**
 * What the supervisor keeps of each send's outcome: the message links
 * (edits, deletes and replies find the copy by them) written before the
 * task is acknowledged, the topic a send opened, the parts a failed send
 * posted for its retry to build on, our own copies (so another linked
 * account reading the destination does not take them for new messages) and
 * the message counted against the owner's plan; then the chain hop.
 *
 * The copy is out there once a send succeeded: while PostgreSQL is
 * unreachable its link is tried again, the task (and its pair) waiting,
 * instead of failing an attempt that would send again or end in a dead
 * letter.
 */
import type { Logger } from 'pino';
import type { SendTask } from '../src/runtime-contracts/actor-contract.ts';
import { isDatabaseUnavailable } from '../src/db/database-unavailable.ts';
import { decodePayload, type ForwardPayload } from '../src/forwarding/routing/forward-payload.ts';
import type { MessageLinks } from '../src/forwarding/store/message-links.ts';
import type { MessageQuota } from '../src/forwarding/store/message-quota.ts';
import type { ScheduledTask } from '../src/scheduler/core/task.ts';
import { acceptWithRetry } from './acceptance-retry.ts';
import type { SendProgress } from './dispatch-hooks.ts';
import type { EngineCounters } from './forwarding-engine.ts';
import type { OwnCopies } from './own-copies.ts';
import type { SentParts } from './sent-parts.ts';
import type { TopicPlacement } from './topic-placement.ts';

export interface OutcomeRecorderDeps {
  links: MessageLinks;
  quota: MessageQuota;
  sentParts: SentParts;
  own: OwnCopies;
  /** The engine's totals: deliveries and link retries are counted here. */
  counters: EngineCounters;
  logger: Logger;
  /** Whether the engine stopped: link writes stop being retried. */
  stopped: () => boolean;
  /** Feeds a delivery to the pairs its destination chat chains into. */
  chain: (p: ForwardPayload, ids: string[]) => Promise<void>;
  topics?: TopicPlacement;
}

export class OutcomeRecorder {
  readonly #d: OutcomeRecorderDeps;
  /** When a failed link write was last logged: one warning per few seconds while PostgreSQL is unreachable, not one per message. */
  #lastLinkWarning = 0;

  constructor(deps: OutcomeRecorderDeps) {
    this.#d = deps;
  }

  /** A failed send's posted parts and the topic it opened, for its retry to build on. */
  async partial(task: ScheduledTask, send: SendTask, progress: SendProgress): Promise<void> {
    if (progress.sentPartIds !== undefined) void this.#d.sentParts.record(task.id, progress.sentPartIds);
    if (progress.openedTopicId === undefined) return;
    await this.#d.topics?.opened(decodePayload(task.payloadRef), send, progress.openedTopicId)
      .catch((err: unknown) => this.#d.logger.warn({ err, taskId: task.id }, 'could not record the topic a failed send opened; its retry may open another'));
  }

  /** A delivery: the link first (before the ack), then the chain hop. */
  async delivered(task: ScheduledTask, send: SendTask, result: { destinationMessageIds: string[]; openedTopicId?: string }): Promise<void> {
    const p = decodePayload(task.payloadRef);
    const ids = result.destinationMessageIds;
    this.#d.sentParts.forget(task.id);
    if (result.openedTopicId !== undefined) await this.#d.topics?.opened(p, send, result.openedTopicId);
    await acceptWithRetry(() => this.#writeLinks(task, send, p, ids), {
      initialDelayMs: 250, maxDelayMs: 1_000, retryable: isDatabaseUnavailable,
      stopped: this.#d.stopped,
      onFailure: (err) => this.#linkFailed(err, task.id),
    });
    for (const id of ids) this.#d.own.add(p.destination.platform, send.chatId, id);
    this.#d.counters.delivered += 1;
    if (p.op === 'send' || send.op === 'send') {
      void this.#d.quota.count(task.userId).catch((err: unknown) => this.#d.logger.warn({ err, userId: task.userId }, 'could not count a forwarded message'));
    }
    await this.#d.chain(p, ids);
  }

  async #writeLinks(task: ScheduledTask, send: SendTask, p: ForwardPayload, ids: string[]): Promise<void> {
    // An album's every part links to its one copy: an edit or a delete of any part finds it.
    // An edit posted as new (see TaskResolver) is linked like any first delivery, so later edits and deletes find it.
    const sourceIds = p.source.partIds ?? [p.source.messageId];
    if (p.op === 'send' || send.op === 'send') {
      await Promise.all(sourceIds.map((sourceMessageId) => this.#d.links.record({
        pairId: p.pairId, sourceChatId: p.source.chatId, sourceMessageId,
        destinationChatId: send.chatId, destinationMessageIds: ids,
        idempotencyKey: sourceMessageId === p.source.messageId ? task.idempotencyKey : `${task.idempotencyKey}/part:${sourceMessageId}`,
      })));
    } else if (p.op === 'edit' && ids.length > 0) {
      await Promise.all(sourceIds.map((sourceMessageId) => this.#d.links.replaceCopy(p.pairId, p.source.chatId, sourceMessageId, ids)));
    }
  }

  #linkFailed(err: unknown, taskId: string): void {
    this.#d.counters.linkRetries += 1;
    const now = Date.now();
    if (now - this.#lastLinkWarning < 5_000) return;
    this.#lastLinkWarning = now;
    this.#d.logger.warn({ err, taskId, retries: this.#d.counters.linkRetries }, 'PostgreSQL did not take a delivered message\'s link: trying again, its pair waits');
  }
}
