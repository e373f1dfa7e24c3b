/**
 * Input peers → conversations (parsed requests type them as gramjs's
 * EntityLike, so they arrive as `unknown` and are checked here), with Telegram's access checks. Access hashes
 * are one per user and per channel (Telegram's differ per viewer); a wrong
 * one is PEER_ID_INVALID for users and CHANNEL_INVALID for channels. Reading
 * a channel one is not in is CHANNEL_PRIVATE (the fake's channels are all
 * private), a basic group one is not in PEER_ID_INVALID. A bot may name a
 * user who wrote to it with access_hash 0, and may post to a user only as
 * bots.ts allows.
 */
import type { ChannelRecord, Conversation, UserRecord } from './model.ts';
import { botKnows, checkBotMayWrite } from './bots.ts';
import { fail } from './rpc-fail.ts';
import { Api } from './tl-io.ts';
import type { FakeWorld } from './world.ts';

export function resolveInputUser(world: FakeWorld, viewerId: string, input: unknown): UserRecord {
  if (input instanceof Api.InputUserSelf || input instanceof Api.InputPeerSelf) return world.user(viewerId);
  if (input instanceof Api.InputUser || input instanceof Api.InputPeerUser) {
    const user = world.users.get(input.userId.toString());
    const hash = input.accessHash.toString();
    if (user !== undefined && (user.id === viewerId || user.accessHash === hash || (hash === '0' && botKnows(world, viewerId, user)))) return user;
  }
  fail(400, 'PEER_ID_INVALID');
}

export function resolveInputChannel(world: FakeWorld, input: unknown): ChannelRecord {
  if (input instanceof Api.InputChannel || input instanceof Api.InputPeerChannel) {
    const channel = world.channels.get(input.channelId.toString());
    if (channel !== undefined && channel.accessHash === input.accessHash.toString()) return channel;
  }
  fail(400, 'CHANNEL_INVALID');
}

/** The conversation an InputPeer names, which `viewerId` must be able to read. */
export function resolvePeer(world: FakeWorld, viewerId: string, input: unknown): Conversation {
  if (input instanceof Api.InputPeerChannel) {
    const channel = resolveInputChannel(world, input);
    if (!channel.members.has(viewerId)) fail(400, 'CHANNEL_PRIVATE');
    return channel;
  }
  if (input instanceof Api.InputPeerChat) {
    const group = world.groups.get(input.chatId.toString());
    if (group === undefined || !group.members.has(viewerId)) fail(400, 'PEER_ID_INVALID');
    return group;
  }
  if (input instanceof Api.InputPeerSelf || input instanceof Api.InputPeerUser) {
    return world.privateChat(viewerId, resolveInputUser(world, viewerId, input).id);
  }
  fail(400, 'PEER_ID_INVALID');
}

/** Who may post: a basic group's members, a supergroup's members, a broadcast channel's admins. */
export function checkCanPost(conversation: Conversation, userId: string): void {
  if (conversation.kind === 'group' && !conversation.members.has(userId)) fail(403, 'CHAT_WRITE_FORBIDDEN');
  if (conversation.kind !== 'channel') return;
  if (!conversation.members.has(userId)) fail(400, 'CHANNEL_PRIVATE');
  if (!conversation.megagroup && conversation.creatorId !== userId && !conversation.admins.has(userId)) {
    fail(400, 'CHAT_ADMIN_REQUIRED');
  }
}

/** resolvePeer for writing: the non-member errors of posting (CHAT_WRITE_FORBIDDEN) rather than of reading, and bots' limits. */
export function resolvePeerToPost(world: FakeWorld, userId: string, input: unknown): Conversation {
  if (input instanceof Api.InputPeerChat) {
    const group = world.groups.get(input.chatId.toString());
    if (group === undefined) fail(400, 'PEER_ID_INVALID');
    checkCanPost(group, userId);
    return group;
  }
  const conversation = resolvePeer(world, userId, input);
  checkCanPost(conversation, userId);
  checkBotMayWrite(world, userId, conversation);
  return conversation;
}
