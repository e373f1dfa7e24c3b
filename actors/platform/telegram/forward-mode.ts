/**
 * How a message reaches a Telegram destination, and what the answers of a
 * forward mean. A Telegram source is forwarded natively
 * (`messages.forwardMessages`): with the "forwarded from" header, or in copy
 * mode without it (`drop_author`), which keeps entities exactly as the
 * source has them. Everything else is posted fresh (outgoing-text.ts): a
 * Telegram message whose content the pair's filters changed (a forward would
 * carry the original), and one from a private chat or basic group read by
 * another account (its id there names another message). Pure.
 */
import type { SendNotice } from '../../../src/runtime-contracts/actor-contract.ts';
import type { OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';
import { isChannelId } from './peer-ids.ts';

export type DeliveryMode = 'forward' | 'forward_without_author' | 'send';

const MESSAGE_ID = /^[1-9][0-9]{0,9}$/;

export function deliveryMode(message: OutgoingMessage): DeliveryMode {
  const { source } = message;
  if (source.platform !== 'telegram' || message.contentChanged === true || !MESSAGE_ID.test(source.messageId)) return 'send';
  // Outside channels message ids are per account: another account's id would name another message.
  if (!isChannelId(source.chatId) && message.sentByReader !== true) return 'send';
  return message.copyMode ? 'forward_without_author' : 'forward';
}

/**
 * Whether the copy an edit applies to is a forward with its header, which
 * Telegram does not let anyone edit. (A forward that fell back to a fresh
 * copy is taken for one too: the edit is skipped rather than tried.)
 */
export function editsAForward(message: OutgoingMessage): boolean {
  return deliveryMode(message) === 'forward';
}

export const FORWARDS_RESTRICTED: SendNotice = {
  code: 'forwards_restricted',
  message: 'The source chat protects its content: messages are copied instead of forwarded',
};

export const FORWARDS_RESTRICTED_NO_COPY: SendNotice = {
  code: 'forwards_restricted',
  message: 'The source chat protects its content and this plan has no copy mode: messages cannot be forwarded',
};

export const FORWARD_NOT_EDITABLE: SendNotice = {
  code: 'forward_not_editable',
  message: 'Telegram does not allow editing a forwarded message: edits of the source are not carried',
};

/**
 * What a failed forwardMessages means for the delivery:
 * - `duplicate`: the forward was made before (a redelivered task);
 * - `restricted`: the source chat protects its content;
 * - `unreadable`: this account cannot read the source chat or message
 *   (it left, was never in it, the message is gone): a fresh copy instead;
 * - null: anything else, handled as for any send.
 */
export function forwardRefusal(errorName: string): 'duplicate' | 'restricted' | 'unreadable' | null {
  switch (errorName) {
    case 'RANDOM_ID_DUPLICATE': return 'duplicate';
    case 'CHAT_FORWARDS_RESTRICTED': return 'restricted';
    case 'CHANNEL_PRIVATE':
    case 'CHANNEL_INVALID':
    case 'PEER_ID_INVALID':
    case 'CHAT_ID_INVALID':
    case 'MESSAGE_ID_INVALID':
      return 'unreadable';
    default: return null;
  }
}

/** The Telegram chat a send task may forward from (its access hash is then kept like a destination's); null for other tasks. */
export function forwardSourceOf(task: { op: string; payload: unknown }): string | null {
  const source = (task.payload as Partial<OutgoingMessage> | null)?.source;
  if (task.op !== 'send' || source?.platform !== 'telegram' || typeof source.chatId !== 'string') return null;
  return source.chatId;
}
