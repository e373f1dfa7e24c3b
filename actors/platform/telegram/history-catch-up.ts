/**
 * Reading what a chat received after a message id, oldest first, for the
 * catch-up from a cursor and after a difference too long to replay.
 * `messages.getHistory` pages newest first; asking from `after + 1` with a
 * negative `add_offset` of a whole page gives the page right after `after`
 * (as Telethon's reverse iteration does), so a long backlog is read forward,
 * one page in memory at a time. Unlike a send, this runs while connecting,
 * not on the forwarding queue's clock.
 */
import bigInt from 'big-integer';
import { Api } from 'telegram';
import type { Invoke } from './dialog-scan.ts';

/** Messages per page: Telegram's maximum. */
export const CATCH_UP_PAGE = 100;

export interface HistoryPage {
  /** Oldest first. */
  messages: Api.TypeMessage[];
  users: Api.TypeUser[];
  chats: Api.TypeChat[];
}

/** Errors saying this account cannot read the chat (left, kicked, never in it): nothing to catch up. */
const UNREADABLE = new Set(['CHANNEL_PRIVATE', 'CHANNEL_INVALID', 'PEER_ID_INVALID', 'CHAT_ID_INVALID', 'USER_BANNED_IN_CHANNEL', 'CHAT_FORBIDDEN']);

export function isUnreadable(error: unknown): boolean {
  const name = (error as { errorMessage?: unknown } | null)?.errorMessage;
  return typeof name === 'string' && UNREADABLE.has(name);
}

function page(answer: Api.messages.TypeMessages): HistoryPage {
  if (answer instanceof Api.messages.MessagesNotModified) return { messages: [], users: [], chats: [] };
  const messages = [...answer.messages].sort((a, b) => a.id - b.id);
  return { messages, users: answer.users, chats: answer.chats };
}

/** Up to `CATCH_UP_PAGE` messages of `peer` after `afterId`, oldest first. */
export async function messagesAfter(invoke: Invoke, peer: Api.TypeInputPeer, afterId: number): Promise<HistoryPage> {
  const answer = await invoke(new Api.messages.GetHistory({
    peer, offsetId: afterId + 1, offsetDate: 0, addOffset: -CATCH_UP_PAGE, limit: CATCH_UP_PAGE, maxId: 0, minId: afterId, hash: bigInt.zero,
  }));
  const read = page(answer);
  read.messages = read.messages.filter((m) => m.id > afterId);
  return read;
}

/** One message with the users and chats it names (a short update named its author by id only). */
export async function messageWithPeers(invoke: Invoke, peer: Api.TypeInputPeer, messageId: number): Promise<HistoryPage> {
  const answer = await invoke(new Api.messages.GetHistory({
    peer, offsetId: messageId + 1, offsetDate: 0, addOffset: 0, limit: 1, maxId: 0, minId: 0, hash: bigInt.zero,
  }));
  return page(answer);
}

/** Recent messages of `peer`, newest first: where a send already made looks for its message. */
export async function recentMessages(invoke: Invoke, peer: Api.TypeInputPeer, limit: number): Promise<Api.TypeMessage[]> {
  const answer = await invoke(new Api.messages.GetHistory({
    peer, offsetId: 0, offsetDate: 0, addOffset: 0, limit, maxId: 0, minId: 0, hash: bigInt.zero,
  }));
  return page(answer).messages.reverse();
}

/** Messages of `peer` within `span` ids either side of `messageId`, oldest first: where an album's other parts are. */
export async function messagesAround(invoke: Invoke, peer: Api.TypeInputPeer, messageId: number, span: number): Promise<HistoryPage> {
  const answer = await invoke(new Api.messages.GetHistory({
    peer, offsetId: messageId + span + 1, offsetDate: 0, addOffset: 0, limit: 2 * span + 1, maxId: 0, minId: Math.max(0, messageId - span - 1), hash: bigInt.zero,
  }));
  return page(answer);
}
