/**
 * Turns a forwarding task into the send its destination actor makes, at
 * dispatch: the copy to edit or delete found from the message links, a
 * reply pointed at the copy of what it answers, the topic placed, the
 * owner's plan rules (copy fallback, file sizes) as they stand now, Discord
 * links renewed and Telegram files pointed at the file relay, and the parts
 * an earlier attempt posted. Null when there is nothing (more) to do: the
 * message was delivered already, or has no copy to change.
 */
import type { SendTask } from '../src/runtime-contracts/actor-contract.ts';
import { allowsCopyFallback, fileLimitBytes } from '../src/domain/plans/plan-rules.ts';
import type { OutgoingMessage } from '../src/forwarding/message/outgoing-message.ts';
import { decodePayload, type ForwardPayload } from '../src/forwarding/routing/forward-payload.ts';
import type { MessageLinks } from '../src/forwarding/store/message-links.ts';
import type { PairDirectory } from '../src/forwarding/store/pair-directory.ts';
import type { ScheduledTask } from '../src/scheduler/core/task.ts';
import type { EngineCounters, FileLinks } from './forwarding-engine.ts';
import type { LinkRenewal } from './link-renewal.ts';
import type { SentParts } from './sent-parts.ts';
import type { TopicPlacement } from './topic-placement.ts';

export interface TaskResolverDeps {
  pairs: PairDirectory;
  links: MessageLinks;
  sentParts: SentParts;
  /** The engine's totals: skips and edits posted as new are counted here. */
  counters: EngineCounters;
  /**
   * Tasks enqueued here and not yet resolved once. Only those can skip the
   * "delivered already?" query: a retried, restored or claimed task may
   * have reached the destination before its link was written.
   */
  fresh: Set<string>;
  fileLinks?: FileLinks;
  topics?: TopicPlacement;
  linkRenewal?: LinkRenewal;
}

export class TaskResolver {
  readonly #d: TaskResolverDeps;

  constructor(deps: TaskResolverDeps) {
    this.#d = deps;
  }

  /** The send for `task`, with its copies found; null when there is nothing (more) to do. */
  async resolve(task: ScheduledTask): Promise<SendTask | null> {
    const p = decodePayload(task.payloadRef);
    const send: SendTask = { taskId: task.id, idempotencyKey: task.idempotencyKey, pairId: p.pairId, op: p.op, chatId: p.destination.chatId, payload: null };
    if (p.destination.topicId !== undefined) send.topicId = p.destination.topicId;
    const fresh = this.#d.fresh.delete(task.id) && task.attempts <= 1;
    if (p.op === 'send') {
      if (!fresh && await this.#d.links.delivered(task.idempotencyKey)) {
        this.#d.counters.skipped.already_delivered += 1;
        return null;
      }
      const message: OutgoingMessage = { ...p.message!, ...this.#planRules(task.userId) };
      await this.#d.topics?.place(task, p, send);
      if (p.replyToSourceMessageId !== undefined && send.openTopic === undefined) {
        const copy = await this.#d.links.copyOf(p.pairId, p.source.chatId, p.replyToSourceMessageId);
        // Only within the chat the send goes to: a copy in another thread cannot be replied to.
        if (copy?.messageIds[0] !== undefined && copy.chatId === send.chatId) message.replyToDestinationMessageId = copy.messageIds[0];
      }
      send.payload = this.#linkFiles(p, await this.#renewLinks(p, message));
      // Only a retry can have posted parts: a first attempt made here asks nothing of Redis.
      const sentPartIds = fresh ? this.#d.sentParts.of(task.id) : await this.#d.sentParts.load(task.id);
      if (sentPartIds !== undefined) send.sentPartIds = sentPartIds;
      return send;
    }
    const copy = await this.#d.links.copyOf(p.pairId, p.source.chatId, p.source.messageId);
    if ((copy === null || copy.messageIds.length === 0) && p.op === 'edit' && p.message !== undefined) {
      // The original was filtered out (or never delivered) and the edit passes the filters now:
      // the message as it reads now is posted, once (the edit's own idempotency key guards it).
      if (!fresh && await this.#d.links.delivered(task.idempotencyKey)) {
        this.#d.counters.skipped.already_delivered += 1;
        return null;
      }
      send.op = 'send';
      await this.#d.topics?.place(task, p, send);
      send.payload = this.#linkFiles(p, await this.#renewLinks(p, { ...p.message, ...this.#planRules(task.userId) }));
      this.#d.counters.editsPosted += 1;
      return send;
    }
    if (copy === null || copy.messageIds.length === 0) {
      // The original was filtered out or never delivered: nothing to delete.
      this.#d.counters.skipped.no_copy += 1;
      return null;
    }
    // The copy's own chat: a Discord thread its topic was mapped to, not the pair's channel.
    send.chatId = copy.chatId;
    send.targetMessageIds = copy.messageIds;
    if (p.op === 'edit') send.payload = await this.#renewLinks(p, { ...p.message! });
    return send;
  }

  /**
   * What the owner's plan, as it stands when the task is sent, lets the
   * sender do: copy a protected source instead of forwarding it, and
   * transfer files up to the plan's size.
   */
  #planRules(userId: string): Pick<OutgoingMessage, 'allowCopyFallback' | 'fileLimitBytes'> {
    const plan = this.#d.pairs.planOf(userId);
    if (plan === undefined) return { allowCopyFallback: false };
    return { allowCopyFallback: allowsCopyFallback(plan), fileLimitBytes: fileLimitBytes(plan) };
  }

  /** A Discord source's expiring attachment links, renewed through its account (link-renewal.ts). */
  async #renewLinks(p: ForwardPayload, message: OutgoingMessage): Promise<OutgoingMessage> {
    const sourceAccount = this.#d.pairs.pair(p.pairId)?.source.accountId;
    if (this.#d.linkRenewal === undefined || sourceAccount === undefined || p.source.platform !== 'discord') return message;
    return this.#d.linkRenewal.apply(sourceAccount, message);
  }

  /**
   * `message` with its Telegram files pointed at the file relay, for a
   * destination that uploads bytes (a Telegram destination posts them by
   * reference). The links are made now, at dispatch, so they name this
   * supervisor's relay even for a task taken over from another.
   */
  #linkFiles(p: ForwardPayload, message: OutgoingMessage): OutgoingMessage {
    const files = this.#d.fileLinks;
    const sourceAccount = this.#d.pairs.pair(p.pairId)?.source.accountId;
    if (files === undefined || sourceAccount === undefined || p.destination.platform === 'telegram' || p.source.platform !== 'telegram') return message;
    if (!message.attachments.some((a) => a.telegram !== undefined)) return message;
    return {
      ...message,
      attachments: message.attachments.map((a) => {
        const relayUrl = files.linkFor(sourceAccount, p.source.chatId, a);
        return relayUrl === null ? a : { ...a, relayUrl };
      }),
    };
  }
}
