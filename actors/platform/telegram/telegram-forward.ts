/**
 * One native forward (`messages.forwardMessages`) of one source message,
 * and what Telegram's answer means (forward-mode.ts). The answer moves the
 * destination's pts like a send does, so it goes to the pump.
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
  messageId: number;
  to: Api.TypeInputPeer;
  randomId: bigint;
  silent: boolean;
  /** Copy mode: no "forwarded from" header. */
  dropAuthor: boolean;
  /** The destination channel (bare id), null for the common box. */
  channelId: string | null;
}

export type ForwardOutcome =
  | { kind: 'posted'; id: number }
  | { kind: 'duplicate' | 'restricted' | 'unreadable' };

export async function forwardMessage(d: ForwardDeps, r: ForwardRequest): Promise<ForwardOutcome> {
  let answer: Api.TypeUpdates;
  try {
    answer = await d.invoke(new Api.messages.ForwardMessages({
      fromPeer: r.from, id: [r.messageId], randomId: [bigInt(r.randomId.toString())], toPeer: r.to,
      silent: r.silent || undefined, dropAuthor: r.dropAuthor || undefined,
    }));
  } catch (error) {
    const name = (error as { errorMessage?: unknown } | null)?.errorMessage;
    const refusal = forwardRefusal(typeof name === 'string' ? name : '');
    if (refusal === null) throw error;
    return { kind: refusal };
  }
  d.applied(answer, r.channelId);
  const id = sentMessageId(answer, r.randomId);
  if (id === null) throw new Error('Telegram answered messages.forwardMessages without the new message id');
  return { kind: 'posted', id };
}
