/**
 * Posting and changing messages: messages.sendMessage, editMessage,
 * deleteMessages, channels.deleteMessages, and messages.getHistory.
 *
 * Modelling choices: a random_id the same user used before is
 * RANDOM_ID_DUPLICATE (500) and posts nothing (the last 10 000 per user are
 * remembered); a reply to a message the sender cannot see is posted without
 * the reply; only a message's author may edit it (MESSAGE_AUTHOR_REQUIRED,
 * also for channel admins), and nobody a forward showing its header
 * (MESSAGE_ID_INVALID); `revoke` deletes for everyone in private chats,
 * for one's own messages, and for a basic group's creator, else only from
 * the caller's box; in channels the author, admins and the creator may
 * delete (else MESSAGE_DELETE_FORBIDDEN).
 *
 * Bots (bots.ts): their reply_markup is checked and kept (reply-markup.ts);
 * an edit without reply_markup removes the keyboard, as Telegram does, and
 * an edit changing only the markup is no MESSAGE_NOT_MODIFIED. A bot's
 * delete is always for everyone (bots have no history of their own to
 * delete from) and may take a user's message in their private chat, as the
 * Bot API's deleteMessage documents; a message older than 48 hours answers
 * 403 MESSAGE_DELETE_FORBIDDEN (the fake has no clock to move: the rule
 * goes untested). Bots may not read history (getHistory: BOT_METHOD_INVALID).
 */
import type { Conversation, MessageRecord } from './model.ts';
import { resolveInputChannel, resolveInputUser, resolvePeer, resolvePeerToPost } from './peers.ts';
import { replyIds, topicOfPost } from './forum-topics.ts';
import { markupToStore, sameMarkup } from './reply-markup.ts';
import { fail } from './rpc-fail.ts';
import type { Call, FakeServices, Router } from './router.ts';
import { Mentioned, messageTl } from './tl-builders.ts';
import { Api, big } from './tl-io.ts';
import { sentAnswer, updatesFor } from './update-builders.ts';
import type { FakeWorld } from './world.ts';
import { now } from './world.ts';

const MAX_TEXT = 4096;
/** How old a message a bot may still delete. */
const BOT_DELETE_WINDOW_SECONDS = 48 * 3600;

function checkText(text: string): void {
  if (text.trim() === '') fail(400, 'MESSAGE_EMPTY');
  if (text.length > MAX_TEXT) fail(400, 'MESSAGE_TOO_LONG');
}

/** Entities as stored: mentions of an InputUser resolved, offsets checked against the text (UTF-16 units, as Telegram counts). */
export function storedEntities(world: FakeWorld, userId: string, text: string, input: readonly Api.TypeMessageEntity[] | undefined): Api.TypeMessageEntity[] {
  return (input ?? []).map((entity) => {
    if (entity.offset < 0 || entity.length <= 0 || entity.offset + entity.length > text.length) fail(400, 'ENTITY_BOUNDS_INVALID');
    if (!(entity instanceof Api.InputMessageEntityMentionName)) return entity;
    const user = resolveInputUser(world, userId, entity.userId);
    return new Api.MessageEntityMentionName({ offset: entity.offset, length: entity.length, userId: big(user.id) });
  });
}

function sameEntities(a: readonly Api.TypeMessageEntity[], b: readonly Api.TypeMessageEntity[]): boolean {
  return a.length === b.length && a.every((entity, i) => entity.getBytes().equals(b[i]!.getBytes()));
}

export function registerMessageMethods(router: Router, services: FakeServices): void {
  const { world } = services;
  const origin = (call: Call) => ({ userId: call.userId, connection: call.connection });

  router.on(Api.messages.SendMessage, { login: true }, (request, call) => {
    const conversation = resolvePeerToPost(world, call.userId, request.peer);
    const randomId = (request.randomId ?? fail(400, 'RANDOM_ID_EMPTY')).toString();
    if (world.user(call.userId).randomIds.has(randomId)) fail(500, 'RANDOM_ID_DUPLICATE');
    checkText(request.message);
    const entities = storedEntities(world, call.userId, request.message, request.entities);
    const { replyToMsgId, topMsgId } = replyIds(request.replyTo);
    const topicId = topicOfPost(world, call.userId, conversation, replyToMsgId, topMsgId);
    const replyMarkup = markupToStore(world, call.userId, request.replyMarkup);
    const change = world.post(call.userId, conversation, {
      text: request.message, entities, replyToMsgId, silent: request.silent === true, replyMarkup, ...(topicId === undefined ? {} : { topicId }),
    }, randomId);
    services.deliver(change, origin(call));
    return sentAnswer(world, change, randomId);
  });

  router.on(Api.messages.EditMessage, { login: true }, (request, call) => {
    const conversation = resolvePeer(world, call.userId, request.peer);
    const message = world.viewMessage(call.userId, conversation, request.id);
    if (message === undefined || message.service !== null) fail(400, 'MESSAGE_ID_INVALID');
    if (message.fromId !== call.userId) fail(403, 'MESSAGE_AUTHOR_REQUIRED');
    // Nobody may edit a forward that shows its header; Telegram's description of MESSAGE_ID_INVALID covers
    // "an operation you can't do on such message".
    if (message.forwardedFrom !== null) fail(400, 'MESSAGE_ID_INVALID');
    const text = request.message ?? message.text;
    checkText(text);
    // New text without entities clears the old ones, as on Telegram.
    // Absent optional fields parse as null, whatever gramjs's types say.
    const entities = (request.entities ?? null) === null && (request.message ?? null) === null
      ? message.entities
      : storedEntities(world, call.userId, text, request.entities);
    // People's edits leave the markup alone (undefined); a bot's replace it.
    const replyMarkup = world.user(call.userId).bot === null ? undefined : markupToStore(world, call.userId, request.replyMarkup);
    const markup = replyMarkup === undefined ? message.replyMarkup : replyMarkup;
    if (text === message.text && sameEntities(entities, message.entities) && sameMarkup(markup, message.replyMarkup)) fail(400, 'MESSAGE_NOT_MODIFIED');
    const change = world.edit(message, text, entities, replyMarkup);
    services.deliver(change, origin(call));
    return updatesFor(world, change, call.userId, services.shortUpdates)!;
  });

  router.on(Api.messages.DeleteMessages, { login: true }, (request, call) => {
    const user = world.user(call.userId);
    if (user.bot !== null && request.id.some((id) => (user.box.get(id)?.date ?? Infinity) < now() - BOT_DELETE_WINDOW_SECONDS)) {
      fail(403, 'MESSAGE_DELETE_FORBIDDEN');
    }
    const revoke = request.revoke === true || user.bot !== null;
    const forEveryone = (m: MessageRecord) => revoke && (
      m.conversation.kind === 'private' || m.fromId === call.userId || (m.conversation.kind === 'group' && m.conversation.creatorId === call.userId));
    const change = world.deleteFromBoxes(call.userId, request.id, forEveryone);
    services.deliver(change, origin(call));
    const mine = change.perUser.get(call.userId);
    return new Api.messages.AffectedMessages({ pts: mine?.pts ?? world.user(call.userId).log.pts, ptsCount: mine?.ptsCount ?? 0 });
  });

  router.on(Api.channels.DeleteMessages, { login: true }, (request, call) => {
    const channel = resolveInputChannel(world, request.channel);
    if (!channel.members.has(call.userId)) fail(400, 'CHANNEL_PRIVATE');
    const moderator = channel.creatorId === call.userId || channel.admins.has(call.userId);
    for (const id of request.id) {
      const message = channel.byId.get(id);
      if (message !== undefined && message.fromId !== call.userId && !moderator) fail(403, 'MESSAGE_DELETE_FORBIDDEN');
    }
    const change = world.deleteFromChannel(channel, request.id);
    services.deliver(change, origin(call));
    return new Api.messages.AffectedMessages({ pts: change.channel!.pts, ptsCount: change.channel!.ptsCount });
  });

  router.on(Api.messages.GetHistory, { login: true, only: 'users' }, (request, call) => {
    const conversation = resolvePeer(world, call.userId, request.peer);
    const newestFirst = [...world.history(call.userId, conversation)].reverse();
    const page = historyPage(world, call.userId, newestFirst, request);
    return historyAnswer(world, call.userId, conversation, page, newestFirst.length);
  });
}

/**
 * Telegram's paging: start after offset_id (or before offset_date), move by
 * add_offset (negative moves to newer messages), take `limit` (at most 100),
 * keep those between min_id and max_id.
 */
function historyPage(world: FakeWorld, userId: string, newestFirst: MessageRecord[], request: Api.messages.GetHistory): MessageRecord[] {
  const idOf = (m: MessageRecord) => world.viewId(userId, m)!;
  let start = 0;
  if (request.offsetId > 0) start = indexOr(newestFirst.findIndex((m) => idOf(m) < request.offsetId), newestFirst.length);
  else if (request.offsetDate > 0) start = indexOr(newestFirst.findIndex((m) => m.date < request.offsetDate), newestFirst.length);
  start += request.addOffset;
  const limit = Math.min(request.limit > 0 ? request.limit : 20, 100);
  return newestFirst.slice(Math.max(0, start), Math.max(0, start + limit)).filter((m) =>
    (request.maxId <= 0 || idOf(m) < request.maxId) && (request.minId <= 0 || idOf(m) > request.minId));
}

function indexOr(index: number, fallback: number): number {
  return index === -1 ? fallback : index;
}

function historyAnswer(world: FakeWorld, userId: string, conversation: Conversation, page: MessageRecord[], count: number): Api.messages.TypeMessages {
  const mentioned = new Mentioned(world, userId).conversation(conversation);
  for (const message of page) mentioned.message(message);
  const messages = page.map((m) => messageTl(world, m, userId)!);
  if (conversation.kind === 'channel') {
    return new Api.messages.ChannelMessages({
      pts: conversation.log.pts, count, messages, topics: [], chats: mentioned.chats(), users: mentioned.users(),
    });
  }
  if (page.length === count) return new Api.messages.Messages({ messages, chats: mentioned.chats(), users: mentioned.users() });
  return new Api.messages.MessagesSlice({ count, messages, chats: mentioned.chats(), users: mentioned.users() });
}
