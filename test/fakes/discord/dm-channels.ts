/**
 * Direct-message channels between a bot and a user, as Discord has them
 * (user docs, Create DM; OpenAPI `create_dm` and `PrivateChannelResponse`):
 *
 * - `POST /users/@me/channels` with `{ recipient_id }` answers the DM
 *   channel, the same one for the same pair every time ("if one already
 *   exists, it will be returned instead"). Discord opens it for any user:
 *   whether the bot may post is decided per message, not here.
 * - A missing recipient is a 50035 (`CHANNEL_RECIPIENT_REQUIRED`, as
 *   discord/discord-api-docs#5868 quotes it), a recipient that is no
 *   snowflake a 50035 on `recipient_id`. An id naming no user is
 *   400 50033 Invalid Recipient(s): the spec lists no per-route codes (its
 *   4XX is the generic ClientErrorResponse), the docs' code table has
 *   50033, and Create DM answers it in the field (bwmarrin/discordgo#953);
 *   10013 Unknown User is what GET /users/{id} answers. A bot opening a DM
 *   with itself gets the 400 with 50007 Kord-Extensions/kord-extensions#215
 *   reports.
 * - Posting into the DM is refused with 403 50007 "Cannot send messages to
 *   this user" (the docs' code table; the 403 on the send, not on Create DM,
 *   as kord-extensions#215 and kordlib/kord#1005 show) unless the user
 *   shares a guild with the bot and accepts DMs from server members; a bot
 *   never DMs a bot.
 *
 * The bot sees the user as the channel's one recipient. Group DMs (OAuth2
 * `access_tokens`) are not modelled. The pair is ordered: a bot's DM with
 * another bot is the first bot's, never shared.
 */
import type { ParsedBody } from './http-io.ts';
import { ApiError, formError, formErrorAt } from './http-io.ts';
import type { FakeBot, FakeChannel, FakeDmChannel, FakeDmMeta } from './model.ts';
import { apiUser } from './payloads.ts';
import { ApiCode, ChannelType } from './protocol.ts';
import type { FakeState } from './state.ts';

const SNOWFLAKE = /^\d{1,20}$/;

export function isDmChannel(channel: FakeChannel): channel is FakeDmChannel {
  return channel.dm !== null;
}

/** The bot's DM channel with the user, if opened. */
export function findDm(state: FakeState, botUserId: string, userId: string): FakeDmChannel | undefined {
  const id = state.dmChannels.get(`${botUserId}:${userId}`);
  const channel = id === undefined ? undefined : state.channels.get(id);
  return channel !== undefined && isDmChannel(channel) ? channel : undefined;
}

/** The bot's DM channel with the user, opened on first use (by the bot's Create DM, or by the user writing to it). */
export function openDm(state: FakeState, botUserId: string, userId: string): FakeDmChannel {
  const known = findDm(state, botUserId, userId);
  if (known !== undefined) return known;
  if (!state.bots.has(botUserId)) throw new Error(`no bot ${botUserId}`);
  if (!state.users.has(userId)) throw new Error(`no user ${userId}`);
  const channel: FakeDmChannel = {
    id: state.ids.next(), guildId: null, type: ChannelType.DM, name: '', parentId: null, ownerId: null, createdAt: Date.now(), messageIds: [],
    lastMessageId: null, denied: new Map(), rateLimitPerUser: 0, lastPostAt: new Map(), thread: null, dm: { botUserId, userId }, flags: 0, tags: [],
  };
  state.channels.set(channel.id, channel);
  state.dmChannels.set(`${botUserId}:${userId}`, channel.id);
  return channel;
}

/** POST /users/@me/channels by a bot: its DM channel with `recipient_id`. */
export function createDm(state: FakeState, bot: FakeBot, body: ParsedBody): FakeDmChannel {
  const raw = body.json?.recipient_id;
  if (raw === undefined || raw === null) throw formErrorAt([], 'CHANNEL_RECIPIENT_REQUIRED', 'At least one channel recipient is required.');
  const id = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
  if (typeof id !== 'string' || !SNOWFLAKE.test(id)) {
    throw formError('recipient_id', 'NUMBER_TYPE_COERCE', `Value "${String(raw)}" is not snowflake.`);
  }
  if (!state.users.has(id)) throw new ApiError(400, ApiCode.InvalidRecipients, 'Invalid Recipient(s)');
  if (id === bot.user.id) throw cannotSend(400);
  return openDm(state, bot.user.id, id);
}

/** Throws Discord's 403 50007 unless the DM's bot may post to its user now. */
export function checkDmDelivery(state: FakeState, dm: FakeDmMeta): void {
  const user = state.users.get(dm.userId);
  const bot = state.bots.get(dm.botUserId);
  const sharesGuild = bot !== undefined && [...bot.guildIds].some((id) => state.guild(id).memberIds.has(dm.userId));
  if (user === undefined || user.bot || user.dmsClosed || !sharesGuild) throw cannotSend(403);
}

/** The DM channel as `viewerId` (one of its ends) gets it: the other end as the one recipient (PrivateChannelResponse). */
export function apiDmChannel(channel: FakeDmChannel, viewerId: string, state: FakeState): Record<string, unknown> {
  const otherId = viewerId === channel.dm.botUserId ? channel.dm.userId : channel.dm.botUserId;
  const other = state.users.get(otherId);
  return {
    id: channel.id,
    type: ChannelType.DM,
    last_message_id: channel.lastMessageId,
    flags: 0,
    recipients: other === undefined ? [] : [apiUser(other)],
  };
}

function cannotSend(status: 400 | 403): ApiError {
  return new ApiError(status, ApiCode.CannotSendToUser, 'Cannot send messages to this user');
}
