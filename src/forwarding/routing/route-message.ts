/**
 * Pure routing: what one source event becomes, pair by pair. A new message
 * through an active pair runs the pair's filters and becomes a `send`; an
 * edit becomes an `edit` of the copy (or nothing, when the edited text is now
 * filtered out); a delete becomes a `delete`. Every pair that drops the event
 * says why, so the engine can count and report it.
 */
import type { NewForwardTask } from '../../scheduler/core/task.ts';
import { withoutEntityTypes } from '../format/rich-text.ts';
import type { NeutralMessage } from '../message/neutral-message.ts';
import { encodePayload, type ForwardPayload } from './forward-payload.ts';
import { idempotencyKey } from './idempotency-key.ts';
import { chatKey, type OwnerPlan, type PairView } from './pair-view.ts';

/** Whether the filters changed what a native forward would carry instead (text, entities, files). */
export function changedByFilters(before: NeutralMessage, after: NeutralMessage): boolean {
  return JSON.stringify([before.text, before.attachments]) !== JSON.stringify([after.text, after.attachments]);
}

/** The engine's filter pipeline: the filtered message, or why the pair drops it. */
export type FilterMessage = (message: NeutralMessage, pair: PairView) =>
  | { action: 'forward'; message: NeutralMessage }
  | { action: 'drop'; reason: string };

export interface SourceEvent {
  kind: 'new' | 'edit' | 'delete';
  chatId: string;
  messageId: string;
  /** The message as it is now; required for `new` and `edit`. */
  message?: NeutralMessage;
  /** Chats it already passed through (a chain hop); empty for a message straight from a source. */
  chainPath?: readonly string[];
}

export type RouteSkip = { pairId: string; reason: 'paused' | 'filtered' | 'loop' | 'chain_not_in_plan' | 'no_message' | 'other_topic'; detail?: string };

export interface RouteResult {
  tasks: NewForwardTask[];
  skipped: RouteSkip[];
}

export interface RouteInput {
  event: SourceEvent;
  /** Pairs reading the event's chat through the account that saw it (or, for a chain hop, the owner's pairs reading it). */
  pairs: readonly PairView[];
  planOf(userId: string): OwnerPlan;
  filter: FilterMessage;
  now: number;
  /** Makes task ids; unique per call. */
  newId(): string;
}

/** The forum topic a message was posted in; `1` (General) for one that names none. */
export function topicOf(message: NeutralMessage): string {
  return message.topicId ?? GENERAL_TOPIC;
}

/** Telegram's General topic, where messages of a forum that name no topic go. */
export const GENERAL_TOPIC = '1';

export function routeEvent(input: RouteInput): RouteResult {
  const { event, now } = input;
  const out: RouteResult = { tasks: [], skipped: [] };
  for (const pair of input.pairs) {
    if (pair.status !== 'active') {
      out.skipped.push({ pairId: pair.id, reason: 'paused' });
      continue;
    }
    // A delete names no topic; it finds no copy through a pair of another topic.
    if (pair.source.topicId !== undefined && event.message !== undefined && topicOf(event.message) !== pair.source.topicId) {
      out.skipped.push({ pairId: pair.id, reason: 'other_topic' });
      continue;
    }
    const path = [...(event.chainPath ?? [])];
    if (path.length === 0) path.push(chatKey({ platform: pair.source.platform, chatId: event.chatId }));
    if (path.includes(chatKey(pair.destination))) {
      out.skipped.push({ pairId: pair.id, reason: 'loop', detail: `${chatKey(pair.destination)} already in ${path.join(' -> ')}` });
      continue;
    }
    const payload: ForwardPayload = {
      v: 1,
      op: event.kind === 'new' ? 'send' : event.kind,
      pairId: pair.id,
      source: { platform: pair.source.platform, chatId: event.chatId, messageId: event.messageId },
      destination: { ...pair.destination },
      chainPath: [...path, chatKey(pair.destination)],
    };
    const partIds = event.message?.partIds;
    if (partIds !== undefined && partIds.length > 1) payload.source.partIds = [...partIds];
    let version: number | undefined;
    if (event.kind !== 'delete') {
      if (!event.message) {
        out.skipped.push({ pairId: pair.id, reason: 'no_message' });
        continue;
      }
      const filtered = input.filter(event.message, pair);
      if (filtered.action === 'drop') {
        out.skipped.push({ pairId: pair.id, reason: 'filtered', detail: filtered.reason });
        continue;
      }
      const m = filtered.message;
      payload.message = {
        // A mention names a user of the source platform; elsewhere it is just its text.
        text: pair.source.platform === pair.destination.platform ? m.text : withoutEntityTypes(m.text, ['mention']),
        attachments: m.attachments,
        silent: pair.silent,
        copyMode: pair.copyMode,
        author: m.author,
        source: payload.source,
      };
      if (changedByFilters(event.message, m)) payload.message.contentChanged = true;
      if (pair.source.platform === pair.destination.platform && pair.source.accountId === pair.destination.accountId) payload.message.sentByReader = true;
      if (m.replyToMessageId !== undefined) payload.replyToSourceMessageId = m.replyToMessageId;
      if (pair.mapTopics === true && topicOf(event.message) !== GENERAL_TOPIC) payload.sourceTopicId = topicOf(event.message);
      if (event.kind === 'edit') version = m.editedAt ?? now;
    }
    const plan = input.planOf(pair.userId);
    const task: NewForwardTask = {
      id: input.newId(),
      idempotencyKey: idempotencyKey(pair.id, payload.op, event.chatId, event.messageId, version),
      pairId: pair.id,
      userId: pair.userId,
      tier: plan.tier,
      sendingAccountId: pair.destination.accountId,
      op: payload.op,
      sourceMessageRef: `${event.chatId}/${event.messageId}`,
      payloadRef: encodePayload(payload),
      enqueuedAt: now,
    };
    if (pair.delayMs > 0) task.notBefore = now + pair.delayMs;
    out.tasks.push(task);
  }
  return out;
}

/**
 * The pairs a delivery through `from` feeds: the owner's pairs reading the
 * chat it was delivered to, when `from` chains and the plan has chains.
 */
export function chainTargets(from: PairView, readers: readonly PairView[], plan: OwnerPlan): { pairs: PairView[]; refused: RouteSkip[] } {
  if (!from.chain) return { pairs: [], refused: [] };
  const mine = readers.filter((p) => p.userId === from.userId && p.id !== from.id);
  if (!plan.features.chainForwarding) {
    return { pairs: [], refused: mine.map((p) => ({ pairId: p.id, reason: 'chain_not_in_plan' as const })) };
  }
  return { pairs: mine, refused: [] };
}
