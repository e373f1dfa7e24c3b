/**
 * One native forward (`messages.forwardMessages`) of one source message, or
 * of an album's parts together in one call (Telegram keeps them an album
 * when they go together), and what Telegram's answer means
 * (forward-mode.ts). The answer moves the destination's pts like a send
 * does, so it goes to the pump.
 */
import bigInt from 'big-integer';
import { Api } from 'telegram';
import type { Invoke } from './dialog-scan.ts';
import { forwardRefusal } from './forward-mode.ts';
import { sentMessageId } from './update-unpack.ts';

export interface ForwardDeps {
  invoke: Invoke;
  applied(answer: Api.TypeUpdates, channelId: string | null): void;
}

export interface ForwardRequest {
  from: Api.TypeInputPeer;
  /** One id, or an album's parts in order. */
  messageIds: number[];
  to: Api.TypeInputPeer;
  /** One per message id. */
  randomIds: bigint[];
  silent: boolean;
  /** Copy mode: no "forwarded from" header. */
  dropAuthor: boolean;
  /** The destination channel (bare id), null for the common box. */
  channelId: string | null;
  /** The forum topic to post in; undefined for none (General). */
  topicId: number | undefined;
}

export type ForwardOutcome =
  | { kind: 'posted'; ids: number[] }
  | { kind: 'duplicate' | 'restricted' | 'unreadable' };

export async function forwardMessage(d: ForwardDeps, r: ForwardRequest): Promise<ForwardOutcome> {
  let answer: Api.TypeUpdates;
  try {
    answer = await d.invoke(new Api.messages.ForwardMessages({
      fromPeer: r.from, id: r.messageIds, randomId: r.randomIds.map((id) => bigInt(id.toString())), toPeer: r.to,
      silent: r.silent || undefined, dropAuthor: r.dropAuthor || undefined, topMsgId: r.topicId,
    }));
  } catch (error) {
    const name = (error as { errorMessage?: unknown } | null)?.errorMessage;
    const refusal = forwardRefusal(typeof name === 'string' ? name : '');
    if (refusal === null) throw error;
    return { kind: refusal };
  }
  d.applied(answer, r.channelId);
  const ids = r.randomIds.map((randomId) => sentMessageId(answer, randomId));
  if (ids.some((id) => id === null)) throw new Error('Telegram answered messages.forwardMessages without the new message ids');
  return { kind: 'posted', ids: ids as number[] };
}
