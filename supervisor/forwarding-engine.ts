/**
 * The forwarding engine on the supervisor: messages the actors report become
 * forwarding tasks (routing and filters are pure, in src/forwarding/routing),
 * tasks become sends with their copies resolved from the message links
 * (task-resolver.ts), and every delivery is recorded (outcome-recorder.ts),
 * then fed to the pairs its destination chat chains into.
 *
 * A source position (the actor's cursor) moves only once the scheduler has
 * accepted every task of the message, so a crash re-reads it rather than
 * skipping it; the idempotency keys make the re-read a no-op. An actor's
 * other positions (Telegram's update state, which covers edits and deletes
 * too) move only once every event it reported before them is accepted.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ResumeCursor, SendNotice, SendTask } from '../src/runtime-contracts/actor-contract.ts';
import type { InboundMessage, SourceNotice } from '../src/runtime-contracts/inbound-message.ts';
import { applyFilters } from '../src/forwarding/filters/apply-filters.ts';
import type { PairFilter } from '../src/forwarding/filters/filter-schema.ts';
import type { Attachment, NeutralMessage, NeutralPlatform } from '../src/forwarding/message/neutral-message.ts';
import { decodePayload, type ForwardPayload } from '../src/forwarding/routing/forward-payload.ts';
import type { OwnerPlan, PairView } from '../src/forwarding/routing/pair-view.ts';
import { chainTargets, routeEvent, type FilterMessage, type RouteSkip, type SourceEvent } from '../src/forwarding/routing/route-message.ts';
import type { CursorStore } from '../src/forwarding/store/cursor-store.ts';
import type { MessageLinks } from '../src/forwarding/store/message-links.ts';
import type { MessageQuota } from '../src/forwarding/store/message-quota.ts';
import type { PairDirectory } from '../src/forwarding/store/pair-directory.ts';
import type { ScheduledTask } from '../src/scheduler/core/task.ts';
import { ForwardTaskInvalidError } from '../src/errors/registry.ts';
import { acceptWithRetry } from './acceptance-retry.ts';
import { OwnCopies } from './own-copies.ts';
import { OutcomeRecorder } from './outcome-recorder.ts';
import { TaskResolver } from './task-resolver.ts';
import { SentParts } from './sent-parts.ts';
import type { ForwardingQueue } from './forwarding-queue.ts';
import type { LinkRenewal } from './link-renewal.ts';
import { SourceOrder } from './source-order.ts';
import type { TopicPlacement } from './topic-placement.ts';
import type { SendProgress } from './dispatch-hooks.ts';
import type { Supervisor } from './supervisor.ts';

/** Running totals, for the status snapshot and tests. */
export interface EngineCounters {
  received: number;
  enqueued: number;
  /** Tries to hand an event's tasks to Redis that failed and were tried again. */
  acceptRetries: number;
  /** Tries to write a delivered message's link that PostgreSQL did not take (unreachable) and were tried again. */
  linkRetries: number;
  refused: number;
  skipped: Record<RouteSkip['reason'] | 'own_copy' | 'already_delivered' | 'no_copy' | 'monthly_quota', number>;
  delivered: number;
  chained: number;
  /** Edits of a message that had no copy (filtered out before) posted as new because they pass the filters now. */
  editsPosted: number;
}

export interface ForwardingEngineDeps {
  supervisor: Supervisor;
  pairs: PairDirectory;
  links: MessageLinks;
  cursors: CursorStore;
  /** Counts delivered messages per user and period; refuses routing past the plan's allowance. */
  quota: MessageQuota;
  logger: Logger;
  /** Shows a source notice on a pair (the pair notices store). Default: logged only. */
  onPairNotice?: (pairId: string, notice: SendNotice) => void;
  /** Where a failed split send's posted parts are kept for its retry. Default: this process's memory only. */
  sentParts?: SentParts;
  /**
   * Makes the link another platform downloads a Telegram file from (the
   * supervisor's file relay). Default: none, and such files go as a line
   * with their name and size.
   */
  fileLinks?: FileLinks;
  /** Places the sends of pairs that map topics. Default: none, and such pairs post everything into the chat itself. */
  topics?: TopicPlacement;
  /** Renews a Discord source's expiring attachment links at dispatch. Default: none, and links go as they were read. */
  linkRenewal?: LinkRenewal;
}

/** See FileRelay.linkFor. */
export interface FileLinks {
  linkFor(accountId: string, chatId: string, attachment: Attachment): string | null;
}

/** The SourceOrder key of an actor's own positions (chat keys hold a newline and a chat id). */
function actorKey(actorId: string): string {
  return `${actorId}\n`;
}

const filterWith: FilterMessage = (message, pair) => {
  const outcome = applyFilters(message, pair.filters as PairFilter[], {});
  return outcome.action === 'forward' ? { action: 'forward', message: outcome.message } : { action: 'drop', reason: outcome.reason };
};

export class ForwardingEngine {
  readonly counters: EngineCounters = {
    received: 0, enqueued: 0, acceptRetries: 0, linkRetries: 0, refused: 0, delivered: 0, chained: 0, editsPosted: 0,
    skipped: { paused: 0, filtered: 0, loop: 0, chain_not_in_plan: 0, no_message: 0, other_topic: 0, own_copy: 0, already_delivered: 0, no_copy: 0, monthly_quota: 0 },
  };
  readonly #d: ForwardingEngineDeps;
  readonly #log: Logger;
  readonly #own = new OwnCopies();
  readonly #resolver: TaskResolver;
  readonly #recorder: OutcomeRecorder;
  /** `platform:id` of every linked account: their posts are our deliveries, never new sources. */
  #ownAuthors: ReadonlySet<string> = new Set();
  #queue: ForwardingQueue | null = null;
  /**
   * Tasks this engine enqueued and has not yet resolved once. Only those can
   * skip the "delivered already?" query: a retried, restored or claimed task
   * may have reached the destination before its link was written.
   */
  readonly #fresh = new Set<string>();
  /** Cursor moves per source chat, each after its message and every earlier one are in Redis. */
  readonly #order = new SourceOrder();
  #detached = false;
  /** When a failed acceptance was last logged: one warning per few seconds while Redis refuses, not one per message. */
  #lastRetryWarning = 0;

  constructor(deps: ForwardingEngineDeps) {
    this.#d = deps;
    this.#log = deps.logger.child({ component: 'forwarding' });
    const sentParts = deps.sentParts ?? new SentParts();
    const optional = {
      ...(deps.topics === undefined ? {} : { topics: deps.topics }),
      ...(deps.fileLinks === undefined ? {} : { fileLinks: deps.fileLinks }),
      ...(deps.linkRenewal === undefined ? {} : { linkRenewal: deps.linkRenewal }),
    };
    this.#resolver = new TaskResolver({ pairs: deps.pairs, links: deps.links, sentParts, counters: this.counters, fresh: this.#fresh, ...optional });
    this.#recorder = new OutcomeRecorder({
      links: deps.links, quota: deps.quota, sentParts, own: this.#own, counters: this.counters, logger: this.#log,
      stopped: () => this.#detached, chain: (p, ids) => this.#chain(p, ids), ...optional,
    });
  }

  /** Starts taking the actors' messages into `queue`. */
  attach(queue: ForwardingQueue): void {
    this.#queue = queue;
    this.#d.supervisor.on('inbound', this.#onInbound);
    this.#d.supervisor.on('positions', this.#onPositions);
    this.#d.supervisor.on('notice', this.#onNotice);
  }

  setOwnAuthors(ids: ReadonlySet<string>): void {
    this.#ownAuthors = ids;
  }

  detach(): void {
    this.#detached = true;
    this.#d.supervisor.off('inbound', this.#onInbound);
    this.#d.supervisor.off('positions', this.#onPositions);
    this.#d.supervisor.off('notice', this.#onNotice);
  }

  /** Writes out what the stores still batch (links, cursor moves, message counts); a stopping runtime waits for it. */
  async flush(): Promise<void> {
    await Promise.all([this.#d.links.flush(), this.#d.cursors.flush(), this.#d.quota.flush()]);
  }

  readonly #onInbound = (actorId: string, inbound: InboundMessage): void => {
    const record = this.#d.supervisor.sessions.get(actorId);
    if (!record) return;
    this.counters.received += 1;
    const platform = record.spec.platform as NeutralPlatform;
    const author = (inbound.payload as NeutralMessage | null)?.author;
    if (this.#own.has(platform, inbound.chatId, inbound.messageId) || (author && this.#ownAuthors.has(`${platform}:${author.id}`))) {
      // One of our own deliveries seen by another linked account: chains run from the delivery itself,
      // and two pairs facing each other must not ping-pong.
      this.counters.skipped.own_copy += 1;
      return;
    }
    const event: SourceEvent = { kind: inbound.kind, chatId: inbound.chatId, messageId: inbound.messageId };
    if (inbound.kind !== 'delete') event.message = inbound.payload as NeutralMessage;
    const pairs = this.#d.pairs.readersVia(platform, actorId, inbound.chatId);
    // Never dropped for want of Redis: tried again until it holds the tasks (or, if this process
    // dies first, read again from the cursor, which stays before it meanwhile).
    const accepted = acceptWithRetry(() => this.#route(event, pairs), {
      stopped: () => this.#detached,
      onFailure: (err) => this.#acceptFailed(err, actorId),
    });
    if (inbound.kind === 'new') {
      void this.#order.after(`${actorId}\n${inbound.chatId}`, accepted, () => this.#d.cursors.advance(actorId, inbound.chatId, inbound.lastMessageId ?? inbound.messageId))
        .catch((err: unknown) => this.#log.warn({ err, actorId }, 'could not move the source cursor'));
    } else {
      void accepted.catch((err: unknown) => this.#log.warn({ err, actorId, kind: inbound.kind }, 'an edit or delete was not accepted before the engine stopped'));
    }
    // The actor's later positions wait for this event too, whatever its kind. Only Telegram reports
    // positions beyond message ids: other platforms skip the extra link per message.
    if (platform === 'telegram') void this.#order.after(actorKey(actorId), accepted, async () => {}).catch(() => {});
  };

  /** Moves an actor's other positions once every event it reported before them is in Redis. */
  readonly #onPositions = (actorId: string, positions: ResumeCursor): void => {
    if (!this.#d.supervisor.sessions.get(actorId)) return;
    void this.#order.after(actorKey(actorId), Promise.resolve(), async () => {
      await Promise.all(Object.entries(positions).map(([key, value]) => this.#d.cursors.advance(actorId, key, value)));
    }).catch((err: unknown) => this.#log.warn({ err, actorId }, 'could not move the source positions'));
  };

  /** A source notice goes on every pair reading one of its chats through that account. */
  readonly #onNotice = (actorId: string, notice: SourceNotice): void => {
    const record = this.#d.supervisor.sessions.get(actorId);
    if (!record) return;
    const pairIds = [...new Set(notice.chatIds.flatMap((chatId) => this.#d.pairs.readersVia(record.spec.platform as NeutralPlatform, actorId, chatId).map((pair) => pair.id)))];
    this.#log.warn({ actorId, code: notice.code, chats: notice.chatIds, pairs: pairIds }, notice.message);
    for (const pairId of pairIds) this.#d.onPairNotice?.(pairId, { code: notice.code, message: notice.message });
  };

  #acceptFailed(err: unknown, actorId: string): void {
    this.counters.acceptRetries += 1;
    const now = Date.now();
    if (now - this.#lastRetryWarning < 5_000) return;
    this.#lastRetryWarning = now;
    this.#log.warn({ err, actorId, retries: this.counters.acceptRetries }, 'Redis did not take a message\'s tasks: trying again, its cursor waits');
  }

  /** Routes one event through `pairs` and enqueues the tasks; resolves once Redis answered for each, rejects if a write failed. */
  #route(event: SourceEvent, pairs: readonly PairView[]): Promise<void> {
    const queue = this.#queue;
    if (!queue || pairs.length === 0) return Promise.resolve();
    const allowed = event.kind === 'new'
      ? pairs.filter((pair) => {
        const over = this.#d.quota.exhausted(pair.userId, this.#d.pairs.planOf(pair.userId)?.limits.messagesPerPeriod ?? null);
        if (over) this.counters.skipped.monthly_quota += 1;
        return !over;
      })
      : pairs;
    const routed = routeEvent({
      event, pairs: allowed, filter: filterWith, now: Date.now(), newId: randomUUID,
      planOf: (userId) => this.#planOf(userId),
    });
    for (const skip of routed.skipped) this.counters.skipped[skip.reason] += 1;
    // Enqueued synchronously, one event after another, so each pair keeps the source's order.
    // Remembered before the enqueue: dispatch may start before Redis answers.
    const results = routed.tasks.map((task) => {
      this.#remember(task.id);
      return queue.enqueue(task).catch((err: unknown) => {
        // A task the scheduler can never take is a bug, not a Redis failure: trying again would hold the chat's cursor forever.
        if (!(err instanceof ForwardTaskInvalidError)) throw err;
        this.#log.error({ err, taskId: task.id }, 'forwarding task refused as invalid');
        return { accepted: false as const };
      });
    });
    // A refusal (backlog full) is an answer: the scheduler reports it and the position moves on,
    // or one full backlog would replay the whole chat on every restart. A failed write is not.
    return Promise.all(results).then((all) => {
      for (const r of all) {
        if (r.accepted) this.counters.enqueued += 1;
        else this.counters.refused += 1;
      }
    });
  }

  #remember(taskId: string): void {
    // Tasks failed without ever being resolved (a revoked account) would stay; forgetting them all
    // now and then only costs a few extra queries.
    if (this.#fresh.size >= 100_000) this.#fresh.clear();
    this.#fresh.add(taskId);
  }

  #planOf(userId: string): OwnerPlan {
    const plan = this.#d.pairs.planOf(userId);
    if (!plan) throw new Error(`no plan loaded for user ${userId}`);
    return { tier: plan.tier, features: plan.features };
  }

  /** The dispatcher's resolver: the send, with its copies found; null when there is nothing (more) to do. */
  readonly resolve = (task: ScheduledTask): Promise<SendTask | null> => this.#resolver.resolve(task);

  /** The dispatcher's partial-send listener: the parts a failed send posted and the topic it opened, for its retry to build on. */
  readonly onPartial = (task: ScheduledTask, send: SendTask, progress: SendProgress): Promise<void> => this.#recorder.partial(task, send, progress);

  /** The dispatcher's posts-only listener: the destination is a forum; the send's next dispatch is placed in a post when the engine places sends. */
  readonly onNeedsTopic = (task: ScheduledTask): boolean => {
    if (this.#d.topics === undefined) return false;
    this.#d.topics.holdsPostsOnly(decodePayload(task.payloadRef));
    return true;
  };

  /** The dispatcher's recorder: the link first (before the ack), then the chain hop. */
  readonly onDelivered = (task: ScheduledTask, send: SendTask, result: { destinationMessageIds: string[]; openedTopicId?: string }): Promise<void> =>
    this.#recorder.delivered(task, send, result);

  async #chain(p: ForwardPayload, ids: string[]): Promise<void> {
    const from = this.#d.pairs.pair(p.pairId);
    if (!from?.chain) return;
    const readers = this.#d.pairs.readersOf(p.destination.platform, p.destination.chatId);
    const { pairs, refused } = chainTargets(from, readers, this.#planOf(from.userId));
    for (const r of refused) this.counters.skipped[r.reason] += 1;
    if (pairs.length === 0) return;
    // Downstream, the copy is the source: its first part stands for the whole message.
    const messageId = p.op === 'send' ? ids[0] : (await this.#d.links.copyOf(p.pairId, p.source.chatId, p.source.messageId))?.messageIds[0];
    if (messageId === undefined) return;
    const event: SourceEvent = { kind: p.op === 'send' ? 'new' : p.op, chatId: p.destination.chatId, messageId, chainPath: p.chainPath };
    if (p.message) {
      event.message = {
        platform: p.destination.platform, chatId: p.destination.chatId, messageId,
        author: p.message.author, text: p.message.text, attachments: p.message.attachments, at: Date.now(),
      };
    }
    this.counters.chained += pairs.length;
    await this.#route(event, pairs);
  }
}

