/**
 * Telegram's update forms, flattened into one list of changes the update
 * pump sequences. Short forms are expanded to the message they stand for
 * (updateShortMessage in a private chat, updateShortChatMessage in a basic
 * group); containers (updates, updatesCombined, updateShort) give their
 * updates with the users and chats they carry. Every update that moves a
 * pts sequence becomes a change, even one the adapter does not report (a
 * read receipt, a service message): skipping it would look like a gap.
 */
import bigInt from 'big-integer';
import { Api } from 'telegram';

/** A message or delete in the common box (`channelId` null) or in a channel (bare id). */
export type Change =
  | { kind: 'new' | 'edit'; message: Api.TypeMessage; pts: number; ptsCount: number; channelId: string | null }
  | { kind: 'delete'; ids: number[]; pts: number; ptsCount: number; channelId: string | null }
  /** Any other update moving a sequence (read receipts, pins, our own sent message). */
  | { kind: 'other'; pts: number; ptsCount: number; channelId: string | null }
  /** The channel has more than the server would push: ask for its difference. */
  | { kind: 'channelTooLong'; channelId: string }
  /** The account has more than the server would push: ask for the difference. */
  | { kind: 'tooLong' };

export interface Unpacked {
  changes: Change[];
  users: Api.TypeUser[];
  chats: Api.TypeChat[];
  /** Unix seconds of the container, 0 when it had none. */
  date: number;
  seq: number;
}

function channelOf(message: Api.TypeMessage): string | null {
  const peer = 'peerId' in message ? message.peerId : undefined;
  return peer instanceof Api.PeerChannel ? peer.channelId.toString() : null;
}

/** The change one update makes, null for updates that move no sequence. */
export function changeOf(update: Api.TypeUpdate): Change | null {
  if (update instanceof Api.UpdateNewMessage || update instanceof Api.UpdateNewChannelMessage) {
    const channelId = update instanceof Api.UpdateNewChannelMessage ? channelOf(update.message) : null;
    return { kind: 'new', message: update.message, pts: update.pts, ptsCount: update.ptsCount, channelId };
  }
  if (update instanceof Api.UpdateEditMessage || update instanceof Api.UpdateEditChannelMessage) {
    const channelId = update instanceof Api.UpdateEditChannelMessage ? channelOf(update.message) : null;
    return { kind: 'edit', message: update.message, pts: update.pts, ptsCount: update.ptsCount, channelId };
  }
  if (update instanceof Api.UpdateDeleteMessages) {
    return { kind: 'delete', ids: [...update.messages], pts: update.pts, ptsCount: update.ptsCount, channelId: null };
  }
  if (update instanceof Api.UpdateDeleteChannelMessages) {
    return { kind: 'delete', ids: [...update.messages], pts: update.pts, ptsCount: update.ptsCount, channelId: update.channelId.toString() };
  }
  if (update instanceof Api.UpdateChannelTooLong) return { kind: 'channelTooLong', channelId: update.channelId.toString() };
  // Whatever else moves a sequence says so with both fields; a channel's carries its channel id.
  const fields = update as unknown as { pts?: unknown; ptsCount?: unknown; channelId?: unknown };
  if (typeof fields.pts !== 'number' || typeof fields.ptsCount !== 'number') return null;
  const channelId = fields.channelId == null ? null : String(fields.channelId);
  return { kind: 'other', pts: fields.pts, ptsCount: fields.ptsCount, channelId };
}

function shortMessage(update: Api.UpdateShortMessage | Api.UpdateShortChatMessage, selfId: string | null): Api.Message {
  const common = {
    out: update.out, mentioned: update.mentioned, mediaUnread: update.mediaUnread, silent: update.silent,
    id: update.id, date: update.date, message: update.message, fwdFrom: update.fwdFrom, viaBotId: update.viaBotId,
    replyTo: update.replyTo, entities: update.entities, ttlPeriod: update.ttlPeriod,
  };
  if (update instanceof Api.UpdateShortChatMessage) {
    return new Api.Message({ ...common, peerId: new Api.PeerChat({ chatId: update.chatId }), fromId: new Api.PeerUser({ userId: update.fromId }) });
  }
  // In a private chat the peer is the other party, whoever wrote.
  const from = update.out ? (selfId === null ? undefined : bigInt(selfId)) : update.userId;
  return new Api.Message({
    ...common, peerId: new Api.PeerUser({ userId: update.userId }), fromId: from === undefined ? undefined : new Api.PeerUser({ userId: from }),
  });
}

/** Everything a pushed (or answered) `Updates` holds; `selfId` is the account's own user id when known. */
export function unpackUpdates(updates: Api.TypeUpdates, selfId: string | null = null): Unpacked {
  const none = { users: [], chats: [], date: 0, seq: 0 };
  if (updates instanceof Api.UpdatesTooLong) return { ...none, changes: [{ kind: 'tooLong' }] };
  if (updates instanceof Api.UpdateShortMessage || updates instanceof Api.UpdateShortChatMessage) {
    const message = shortMessage(updates, selfId);
    return { ...none, date: updates.date, changes: [{ kind: 'new', message, pts: updates.pts, ptsCount: updates.ptsCount, channelId: null }] };
  }
  if (updates instanceof Api.UpdateShortSentMessage) {
    return { ...none, date: updates.date, changes: [{ kind: 'other', pts: updates.pts, ptsCount: updates.ptsCount, channelId: null }] };
  }
  if (updates instanceof Api.UpdateShort) {
    const change = changeOf(updates.update);
    return { ...none, date: updates.date, changes: change === null ? [] : [change] };
  }
  const changes = updates.updates.map(changeOf).filter((c): c is Change => c !== null);
  return { changes, users: updates.users, chats: updates.chats, date: updates.date, seq: updates.seq };
}

/** The id Telegram gave the message sent with `randomId`, from the answer to messages.sendMessage. */
export function sentMessageId(answer: Api.TypeUpdates, randomId: bigint): number | null {
  if (answer instanceof Api.UpdateShortSentMessage) return answer.id;
  if (!(answer instanceof Api.Updates || answer instanceof Api.UpdatesCombined || answer instanceof Api.UpdateShort)) return null;
  const updates = answer instanceof Api.UpdateShort ? [answer.update] : answer.updates;
  for (const u of updates) if (u instanceof Api.UpdateMessageID && u.randomId != null && BigInt(u.randomId.toString()) === randomId) return u.id;
  for (const u of updates) {
    if ((u instanceof Api.UpdateNewMessage || u instanceof Api.UpdateNewChannelMessage) && u.message instanceof Api.Message && u.message.out) {
      return u.message.id;
    }
  }
  return null;
}
