/**
 * The Updates a change makes, per viewer, in the forms Telegram uses: plain
 * text in private chats and basic groups travels as updateShortMessage /
 * updateShortChatMessage (or, with `shortUpdates` off, or for a message
 * with media or reply markup, as updates with updateNewMessage), channel
 * messages as updates with updateNewChannelMessage; the sender's own
 * connection gets updateShortSentMessage (or, in a channel,
 * updateMessageID with the new message) as its RPC answer instead. Every
 * `updates` here carries seq 0: each update in it has its own pts, which
 * Telegram sends with seq 0 too.
 */
import type { MessageRecord } from './model.ts';
import { forwardHeaderTl, Mentioned, messageTl, replyHeader } from './tl-builders.ts';
import { Api, big } from './tl-io.ts';
import type { TlObject } from './tl-io.ts';
import type { Change, DeleteChange, FakeWorld, MessageChange } from './world.ts';
import { now } from './world.ts';

function wrap(world: FakeWorld, viewerId: string, updates: Api.TypeUpdate[], messages: MessageRecord[]): Api.Updates {
  const mentioned = new Mentioned(world, viewerId);
  for (const message of messages) mentioned.message(message);
  return new Api.Updates({ updates, users: mentioned.users(), chats: mentioned.chats(), date: now(), seq: 0 });
}

function entities(message: MessageRecord): Api.TypeMessageEntity[] | undefined {
  return message.entities.length === 0 ? undefined : [...message.entities];
}

function newMessageUpdate(world: FakeWorld, change: MessageChange, viewerId: string, shortUpdates: boolean): TlObject | null {
  const { message } = change;
  const conversation = message.conversation;
  const tl = messageTl(world, message, viewerId);
  if (tl === undefined) return null;
  if (conversation.kind === 'channel') {
    return wrap(world, viewerId, [new Api.UpdateNewChannelMessage({ message: tl, pts: change.channelPts!, ptsCount: 1 })], [message]);
  }
  const pts = change.userPts.get(viewerId);
  if (pts === undefined) return null;
  // The short forms carry no media and no reply markup.
  if (!shortUpdates || !(tl instanceof Api.Message) || message.media !== null || message.replyMarkup !== null) return wrap(world, viewerId, [new Api.UpdateNewMessage({ message: tl, pts, ptsCount: 1 })], [message]);
  const common = {
    out: tl.out ?? false, silent: message.silent, id: tl.id, message: message.text, pts, ptsCount: 1, date: message.date,
    replyTo: replyHeader(world, message, viewerId), entities: entities(message), fwdFrom: forwardHeaderTl(message),
  };
  if (conversation.kind === 'group') {
    return new Api.UpdateShortChatMessage({ ...common, fromId: big(message.fromId), chatId: big(conversation.id) });
  }
  const [a, b] = conversation.userIds;
  return new Api.UpdateShortMessage({ ...common, userId: big(a === viewerId ? b : a) });
}

function deleteUpdate(change: DeleteChange, viewerId: string): TlObject | null {
  let update: Api.TypeUpdate;
  if (change.channel !== null) {
    const { channel, ids, pts, ptsCount } = change.channel;
    if (ids.length === 0 || !channel.members.has(viewerId)) return null;
    update = new Api.UpdateDeleteChannelMessages({ channelId: big(channel.id), messages: ids, pts, ptsCount });
  } else {
    const mine = change.perUser.get(viewerId);
    if (mine === undefined) return null;
    update = new Api.UpdateDeleteMessages({ messages: mine.ids, pts: mine.pts, ptsCount: mine.ptsCount });
  }
  return new Api.Updates({ updates: [update], users: [], chats: [], date: now(), seq: 0 });
}

/** What `viewerId`'s connections are pushed for a change; null when it does not concern the viewer. */
export function updatesFor(world: FakeWorld, change: Change, viewerId: string, shortUpdates: boolean): TlObject | null {
  if (change.kind === 'delete') return deleteUpdate(change, viewerId);
  if (change.kind === 'new') return newMessageUpdate(world, change, viewerId, shortUpdates);
  const { message } = change;
  const tl = messageTl(world, message, viewerId);
  if (tl === undefined) return null;
  if (message.conversation.kind === 'channel') {
    return wrap(world, viewerId, [new Api.UpdateEditChannelMessage({ message: tl, pts: change.channelPts!, ptsCount: 1 })], [message]);
  }
  const pts = change.userPts.get(viewerId);
  return pts === undefined ? null : wrap(world, viewerId, [new Api.UpdateEditMessage({ message: tl, pts, ptsCount: 1 })], [message]);
}

/** The answer to the sender's messages.sendMessage. */
export function sentAnswer(world: FakeWorld, change: MessageChange, randomId: string): TlObject {
  const { message } = change;
  if (message.conversation.kind === 'channel') {
    const tl = messageTl(world, message, message.fromId)!;
    return wrap(world, message.fromId, [
      new Api.UpdateMessageID({ id: message.id, randomId: big(randomId) }),
      new Api.UpdateNewChannelMessage({ message: tl, pts: change.channelPts!, ptsCount: 1 }),
    ], [message]);
  }
  return new Api.UpdateShortSentMessage({
    out: true, id: message.id, pts: change.userPts.get(message.fromId)!, ptsCount: 1, date: message.date,
  });
}

/** Everyone a change concerns. */
export function recipients(change: Change): string[] {
  if (change.kind === 'delete') return change.channel !== null ? [...change.channel.channel.members] : [...change.perUser.keys()];
  const conversation = change.message.conversation;
  return conversation.kind === 'channel' ? [...conversation.members] : [...change.userPts.keys()];
}

/**
 * The answer to the sender's messages.forwardMessages, sendMedia and
 * sendMultiMedia: as Telegram answers them, always the long form, one updateMessageID per random_id, then each new
 * message with its pts.
 */
export function forwardedAnswer(world: FakeWorld, changes: readonly MessageChange[], randomIds: readonly string[], userId: string): TlObject {
  const ids = changes.map((change, i) => new Api.UpdateMessageID({ id: world.viewId(userId, change.message)!, randomId: big(randomIds[i]!) }));
  const news = changes.map((change) => {
    const tl = messageTl(world, change.message, userId)!;
    return change.message.conversation.kind === 'channel'
      ? new Api.UpdateNewChannelMessage({ message: tl, pts: change.channelPts!, ptsCount: 1 })
      : new Api.UpdateNewMessage({ message: tl, pts: change.userPts.get(userId)!, ptsCount: 1 });
  });
  return wrap(world, userId, [...ids, ...news], changes.map((c) => c.message));
}
