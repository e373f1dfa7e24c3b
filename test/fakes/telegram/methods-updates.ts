/**
 * Catching up: updates.getState, updates.getDifference (the common box:
 * private chats and basic groups), updates.getChannelDifference (one
 * channel's pts), and messages.getDialogs.
 *
 * Modelling choices: getDifference answers at most `differenceLimit`
 * updates (differenceSlice with intermediate_state, then the client asks
 * again), differenceTooLong when pts_total_limit is exceeded or the updates
 * are no longer kept (`maxUpdatesKept`), and never mentions channels
 * (clients ask each channel with getChannelDifference). getChannelDifference
 * answers at most `limit` updates (final false until the last page) and
 * channelDifferenceTooLong only when the updates are no longer kept. seq is
 * always 0, qts 0, unread counts 0. Bots catch up like people but have no
 * dialogs (getDialogs: BOT_METHOD_INVALID, as Telegram answers them).
 */
import type { Conversation, MessageRecord } from './model.ts';
import { resolveInputChannel, resolvePeer } from './peers.ts';
import { fail } from './rpc-fail.ts';
import type { FakeServices, Router } from './router.ts';
import { Mentioned, messageTl, peerTl } from './tl-builders.ts';
import { Api, big } from './tl-io.ts';
import type { LogEntry } from './update-log.ts';
import type { FakeWorld } from './world.ts';
import { now } from './world.ts';

interface Replayed {
  newMessages: Api.TypeMessage[];
  otherUpdates: Api.TypeUpdate[];
  mentioned: Mentioned;
}

/** Log entries as a difference: new messages (as they are now), edits and deletions as updates. */
function replay(world: FakeWorld, viewerId: string, entries: readonly LogEntry[], channelId: string | null): Replayed {
  const out: Replayed = { newMessages: [], otherUpdates: [], mentioned: new Mentioned(world, viewerId) };
  for (const entry of entries) {
    if (entry.kind === 'delete') {
      out.otherUpdates.push(channelId === null
        ? new Api.UpdateDeleteMessages({ messages: [...entry.ids], pts: entry.pts, ptsCount: entry.ptsCount })
        : new Api.UpdateDeleteChannelMessages({ channelId: big(channelId), messages: [...entry.ids], pts: entry.pts, ptsCount: entry.ptsCount }));
      continue;
    }
    const message = messageTl(world, entry.message, viewerId);
    if (message === undefined) continue;
    out.mentioned.message(entry.message);
    if (entry.kind === 'new') out.newMessages.push(message);
    else if (channelId === null) out.otherUpdates.push(new Api.UpdateEditMessage({ message, pts: entry.pts, ptsCount: 1 }));
    else out.otherUpdates.push(new Api.UpdateEditChannelMessage({ message, pts: entry.pts, ptsCount: 1 }));
  }
  return out;
}

function peerOrNull(world: FakeWorld, userId: string, input: unknown): Conversation | null {
  if (input instanceof Api.InputPeerEmpty) return null;
  try {
    return resolvePeer(world, userId, input);
  } catch {
    return null;
  }
}

function topMessage(world: FakeWorld, userId: string, conversation: Conversation): MessageRecord | undefined {
  return world.history(userId, conversation).at(-1);
}

function dialogTl(world: FakeWorld, userId: string, conversation: Conversation, top: MessageRecord | undefined): Api.Dialog {
  return new Api.Dialog({
    peer: peerTl(conversation, userId),
    topMessage: top === undefined ? 0 : world.viewId(userId, top)!,
    readInboxMaxId: 0, readOutboxMaxId: 0, unreadCount: 0, unreadMentionsCount: 0, unreadReactionsCount: 0,
    notifySettings: new Api.PeerNotifySettings({}),
    pts: conversation.kind === 'channel' ? conversation.log.pts : undefined,
  });
}

export function registerUpdateMethods(router: Router, services: FakeServices): void {
  const { world } = services;
  const state = (pts: number) => new Api.updates.State({ pts, qts: 0, date: now(), seq: 0, unreadCount: 0 });

  router.on(Api.updates.GetState, { login: true }, (_request, call) => state(world.user(call.userId).log.pts));

  router.on(Api.updates.GetDifference, { login: true }, (request, call) => {
    const log = world.user(call.userId).log;
    if (request.pts >= log.pts) return new Api.updates.DifferenceEmpty({ date: now(), seq: 0 });
    const entries = log.since(request.pts);
    if (entries === 'tooLong' || (typeof request.ptsTotalLimit === 'number' && log.pts - request.pts > request.ptsTotalLimit)) {
      return new Api.updates.DifferenceTooLong({ pts: log.pts });
    }
    const page = entries.slice(0, services.differenceLimit);
    const { newMessages, otherUpdates, mentioned } = replay(world, call.userId, page, null);
    const body = { newMessages, newEncryptedMessages: [], otherUpdates, chats: mentioned.chats(), users: mentioned.users() };
    if (page.length < entries.length) return new Api.updates.DifferenceSlice({ ...body, intermediateState: state(page.at(-1)!.pts) });
    return new Api.updates.Difference({ ...body, state: state(log.pts) });
  });

  router.on(Api.updates.GetChannelDifference, { login: true }, (request, call) => {
    const channel = resolveInputChannel(world, request.channel);
    if (!channel.members.has(call.userId)) fail(400, 'CHANNEL_PRIVATE');
    const log = channel.log;
    if (request.pts <= 0) fail(400, 'PERSISTENT_TIMESTAMP_EMPTY');
    if (request.pts > log.pts) fail(400, 'PERSISTENT_TIMESTAMP_INVALID');
    if (request.pts === log.pts) return new Api.updates.ChannelDifferenceEmpty({ final: true, pts: log.pts, timeout: 30 });
    const limit = Math.min(request.limit > 0 ? request.limit : 100, 100_000);
    const entries = log.since(request.pts);
    if (entries === 'tooLong') {
      const latest = world.history(call.userId, channel).slice(-limit);
      const mentioned = new Mentioned(world, call.userId).conversation(channel);
      for (const message of latest) mentioned.message(message);
      return new Api.updates.ChannelDifferenceTooLong({
        final: true, timeout: 30, dialog: dialogTl(world, call.userId, channel, latest.at(-1)),
        messages: latest.reverse().map((m) => messageTl(world, m, call.userId)!), chats: mentioned.chats(), users: mentioned.users(),
      });
    }
    const page = entries.slice(0, limit);
    const { newMessages, otherUpdates, mentioned } = replay(world, call.userId, page, channel.id);
    mentioned.conversation(channel);
    const final = page.length === entries.length;
    return new Api.updates.ChannelDifference({
      final, pts: final ? log.pts : page.at(-1)!.pts, timeout: 30, newMessages, otherUpdates, chats: mentioned.chats(), users: mentioned.users(),
    });
  });

  router.on(Api.messages.GetDialogs, { login: true, only: 'users' }, (request, call) => {
    const user = world.user(call.userId);
    const all = [...user.conversations].flatMap((conversation) => {
      const top = topMessage(world, call.userId, conversation);
      if (conversation.kind === 'private' ? top === undefined : !conversation.members.has(call.userId)) return [];
      const date = top?.date ?? (conversation.kind === 'private' ? 0 : conversation.date);
      return [{ conversation, top, date, seq: top?.seq ?? -1, topId: top === undefined ? 0 : world.viewId(call.userId, top)! }];
    }).sort((a, b) => b.date - a.date || b.seq - a.seq);
    // Pages continue after offset_peer when it is listed, else by offset_date/offset_id as Telegram documents.
    const offsetPeer = peerOrNull(world, call.userId, request.offsetPeer);
    const at = all.findIndex((d) => d.conversation === offsetPeer);
    const after = at !== -1
      ? all.slice(at + 1)
      : request.offsetDate > 0
        ? all.filter((d) => d.date < request.offsetDate || (d.date === request.offsetDate && d.topId < request.offsetId))
        : all;
    const page = after.slice(0, Math.min(request.limit > 0 ? request.limit : 100, 100));
    const mentioned = new Mentioned(world, call.userId);
    for (const d of page) {
      mentioned.conversation(d.conversation);
      if (d.top !== undefined) mentioned.message(d.top);
    }
    const body = {
      dialogs: page.map((d) => dialogTl(world, call.userId, d.conversation, d.top)),
      messages: page.flatMap((d) => (d.top === undefined ? [] : [messageTl(world, d.top, call.userId)!])),
      chats: mentioned.chats(), users: mentioned.users(),
    };
    return page.length === all.length ? new Api.messages.Dialogs(body) : new Api.messages.DialogsSlice({ count: all.length, ...body });
  });
}
