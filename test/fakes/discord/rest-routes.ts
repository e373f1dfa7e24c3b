/**
 * The REST routes of API v10 the fake answers, each with the bucket route
 * (`/channels/:id/messages`) the counters and rate-limit rules use. Bot
 * routes need `Authorization: Bot <token>`; webhook routes carry their token
 * in the path, and so do interaction responses: `/webhooks/{id}/{token}`
 * names a webhook, or an application and one of its interaction tokens
 * (ids never collide: one snowflake generator makes both). DM channels
 * (dm-channels.ts) answer the channel and message routes; what only guild
 * channels have (webhooks, threads, bulk deletes, deleting others'
 * messages) answers 403 50003, as Discord does in a DM.
 */
import { overwriteCommands, upsertCommand } from './command-registration.ts';
import type { ParsedBody } from './http-io.ts';
import { ApiError, formErrorAt, wrongChannelType } from './http-io.ts';
import { apiDmChannel, checkDmDelivery, createDm, isDmChannel } from './dm-channels.ts';
import type { FakeBot, FakeChannel, FakeMessage, FakeWebhook } from './model.ts';
import {
  apiApplication, apiApplicationCommand, apiBotUser, apiChannel, apiCreatedThread, apiMessage, apiPartialGuild, apiWebhook,
} from './payloads.ts';
import { ApiCode, MAX_REFRESH_URLS } from './protocol.ts';
import type { FakePermission } from './protocol.ts';
import { bulkDelete } from './rest-bulk-delete.ts';
import {
  editInteractionMessage, followUp, interactionCallback, interactionMessage, interactionOfWebhook, originalMessage,
} from './rest-interactions.ts';
import { checkWebhookName, createBotMessage, createWebhookMessage, editMessage } from './rest-messages.ts';
import type { MessageLimits } from './rest-messages.ts';
import { startPost, startsPost, startThread } from './rest-threads.ts';
import { admitPost, sendPermission } from './channel-kinds.ts';
import type { FakeState } from './state.ts';

export interface RouteContext {
  state: FakeState;
  limits: MessageLimits;
  params: string[];
  query: URLSearchParams;
  body: ParsedBody;
  /** The authenticated bot, for bot routes. */
  bot: FakeBot | null;
  gatewayUrl: string;
}

export interface RouteAnswer {
  status: number;
  body?: unknown;
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** `METHOD /bucket/route`, as counters and rate-limit rules name it. */
  name: string;
  auth: 'bot' | 'none';
  handle: (ctx: RouteContext) => RouteAnswer;
}

const ID = '(\\d{15,21})';
const TOKEN = '([^/]+)';

const ok = (body: unknown): RouteAnswer => ({ status: 200, body });
const noContent: RouteAnswer = { status: 204 };

function botOf(ctx: RouteContext): FakeBot {
  return ctx.bot as FakeBot;
}

/** The channel, visible to the bot, with `permission` in it. */
function channelFor(ctx: RouteContext, id: string, permission: FakePermission = 'view'): FakeChannel {
  const channel = ctx.state.channels.get(id);
  const bot = botOf(ctx);
  if (channel === undefined) throw new ApiError(404, ApiCode.UnknownChannel, 'Unknown Channel');
  if (!ctx.state.can(bot.user.id, channel, 'view')) throw new ApiError(403, ApiCode.MissingAccess, 'Missing Access');
  if (!ctx.state.can(bot.user.id, channel, permission)) throw new ApiError(403, ApiCode.MissingPermissions, 'Missing Permissions');
  return channel;
}

/** A guild channel or thread with `permission`, for what DMs lack: a DM channel answers 403 50003. */
function guildChannelFor(ctx: RouteContext, id: string, permission: FakePermission = 'view'): FakeChannel {
  if (isDmChannel(channelFor(ctx, id))) throw new ApiError(403, ApiCode.CannotExecuteOnDm, 'Cannot execute action on a DM channel');
  return channelFor(ctx, id, permission);
}

function messageIn(ctx: RouteContext, channel: FakeChannel, id: string): FakeMessage {
  const message = ctx.state.message(channel.id, id);
  if (message === undefined) throw new ApiError(404, ApiCode.UnknownMessage, 'Unknown Message');
  return message;
}

/** The bot's own message: posted by it, or its answer to an interaction (posted by it as its application's webhook). */
function ownMessage(ctx: RouteContext, message: FakeMessage): boolean {
  return message.authorId === botOf(ctx).user.id && (message.webhookId === null || message.interaction !== null);
}

function webhookFor(ctx: RouteContext, id: string, token: string): FakeWebhook {
  const webhook = ctx.state.webhooks.get(id);
  if (webhook === undefined) throw new ApiError(404, ApiCode.UnknownWebhook, 'Unknown Webhook');
  if (webhook.token !== token) throw new ApiError(401, ApiCode.InvalidWebhookToken, 'Invalid Webhook Token');
  return webhook;
}

/**
 * The channel a webhook posts to: its own, or a thread of it named by
 * `thread_id`, which a forum's webhook must name (220001; starting a post
 * with `thread_name` is not modelled).
 */
function webhookChannel(ctx: RouteContext, webhook: FakeWebhook): FakeChannel {
  const threadId = ctx.query.get('thread_id');
  const channel = ctx.state.channels.get(threadId ?? webhook.channelId);
  if (channel === undefined || (threadId !== null && channel.parentId !== webhook.channelId)) {
    throw new ApiError(400, ApiCode.UnknownChannel, 'Unknown Channel');
  }
  if (threadId === null && startsPost(channel)) {
    throw new ApiError(400, ApiCode.WebhookInForumNeedsThread, 'Webhooks posted to forum channels must have a thread_name or thread_id');
  }
  return channel;
}

function webhookMessage(ctx: RouteContext, webhook: FakeWebhook, id: string): FakeMessage {
  const message = ctx.state.messages.get(id);
  if (message === undefined || message.webhookId !== webhook.id) throw new ApiError(404, ApiCode.UnknownMessage, 'Unknown Message');
  return message;
}

/** The bot's own application: a bot token manages no other application's commands. */
function ownApplication(ctx: RouteContext): string {
  const bot = botOf(ctx);
  if (ctx.params[0] !== bot.applicationId) throw new ApiError(403, ApiCode.MissingAccess, 'Missing Access');
  return bot.applicationId;
}

/** The guild of a guild-commands route: the bot's application must be in it. */
function commandGuild(ctx: RouteContext): string {
  const guildId = ctx.params[1]!;
  if (!botOf(ctx).guildIds.has(guildId)) throw new ApiError(403, ApiCode.MissingAccess, 'Missing Access');
  return guildId;
}

/** The command routes of one scope: global (`guild` false) or of the guild in the path. */
function commandRoutes(base: string, guild: boolean): Route[] {
  const scopeOf = (ctx: RouteContext): { applicationId: string; guildId: string | null } => {
    const applicationId = ownApplication(ctx);
    return { applicationId, guildId: guild ? commandGuild(ctx) : null };
  };
  return [
    route('GET', base, 'bot', (ctx) => {
      const { applicationId, guildId } = scopeOf(ctx);
      return ok(ctx.state.commandsOf(applicationId, guildId).map(apiApplicationCommand));
    }),
    route('PUT', base, 'bot', (ctx) => {
      const scope = scopeOf(ctx);
      const commands = overwriteCommands(ctx.body.array ?? ctx.body.json, scope, ctx.state.commandsOf(scope.applicationId, scope.guildId), ctx.state.ids);
      ctx.state.setCommands(scope.applicationId, scope.guildId, commands);
      return ok(commands.map(apiApplicationCommand));
    }),
    route('POST', base, 'bot', (ctx) => {
      const scope = scopeOf(ctx);
      const { commands, command, created } = upsertCommand(ctx.body.json, scope, ctx.state.commandsOf(scope.applicationId, scope.guildId), ctx.state.ids);
      ctx.state.setCommands(scope.applicationId, scope.guildId, commands);
      return { status: created ? 201 : 200, body: apiApplicationCommand(command) };
    }),
    route('DELETE', `${base}/:id`, 'bot', (ctx) => {
      const { applicationId, guildId } = scopeOf(ctx);
      const commands = ctx.state.commandsOf(applicationId, guildId);
      const id = ctx.params[guild ? 2 : 1];
      if (!commands.some((c) => c.id === id)) throw new ApiError(404, ApiCode.UnknownApplicationCommand, 'Unknown application command');
      ctx.state.setCommands(applicationId, guildId, commands.filter((c) => c.id !== id));
      return noContent;
    }),
  ];
}

/** A webhook's answer to `@original`, after its token is checked. */
function noOriginal(ctx: RouteContext): RouteAnswer {
  webhookFor(ctx, ctx.params[0]!, ctx.params[1]!);
  throw new ApiError(404, ApiCode.UnknownMessage, 'Unknown Message');
}

function listLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  const limit = raw === null ? 50 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiError(400, ApiCode.InvalidFormBody, 'Invalid Form Body');
  return limit;
}

/**
 * POST /attachments/refresh-urls: each link of `attachment_urls` (1 to 50)
 * with its freshly signed form (cdn-links.ts says what is signed). The
 * route is in no OpenAPI spec of Discord's; the shapes are those clients
 * and discord-userdoccers ("Refresh Attachment URLs") show.
 */
function refreshUrls(ctx: RouteContext): RouteAnswer {
  const urls = ctx.body.json?.attachment_urls;
  if (urls === undefined || urls === null) throw formErrorAt(['attachment_urls'], 'BASE_TYPE_REQUIRED', 'This field is required');
  if (!Array.isArray(urls) || urls.length < 1 || urls.length > MAX_REFRESH_URLS) {
    throw formErrorAt(['attachment_urls'], 'BASE_TYPE_BAD_LENGTH', `Must be between 1 and ${MAX_REFRESH_URLS} in length.`);
  }
  for (const [i, url] of urls.entries()) {
    // Discord documents no code for a link that is not a string; this is the one its string fields are seen to give.
    if (typeof url !== 'string') throw formErrorAt(['attachment_urls', i], 'STRING_TYPE_CONVERT', `Could not interpret "${String(url)}" as string.`);
  }
  const origin = new URL(ctx.state.baseUrl).origin;
  return ok({ refreshed_urls: (urls as string[]).map((original) => ({ original, refreshed: ctx.state.cdn.refresh(original, origin) })) });
}

function route(method: string, path: string, auth: Route['auth'], handle: Route['handle']): Route {
  const pattern = new RegExp(`^${path.replaceAll(':id', ID).replaceAll(':token', TOKEN)}$`);
  return { method, pattern, name: `${method} ${path}`, auth, handle };
}

export const ROUTES: readonly Route[] = [
  route('GET', '/gateway', 'none', (ctx) => ok({ url: ctx.gatewayUrl })),
  route('GET', '/gateway/bot', 'bot', (ctx) => ok({
    url: ctx.gatewayUrl,
    shards: 1,
    session_start_limit: botOf(ctx).sessionStarts.snapshot(Date.now()),
  })),
  route('GET', '/users/@me', 'bot', (ctx) => ok(apiBotUser(botOf(ctx)))),
  route('POST', '/users/@me/channels', 'bot', (ctx) => ok(apiDmChannel(createDm(ctx.state, botOf(ctx), ctx.body), botOf(ctx).user.id, ctx.state))),
  // The bot's application (its id is the bot user's); discord.js has it from READY already.
  route('GET', '/applications/@me', 'bot', (ctx) => ok(apiApplication(botOf(ctx), ctx.state.users.get(botOf(ctx).ownerId)!))),
  route('GET', '/oauth2/applications/@me', 'bot', (ctx) => ok(apiApplication(botOf(ctx), ctx.state.users.get(botOf(ctx).ownerId)!))),
  route('GET', '/users/@me/guilds', 'bot', (ctx) => {
    const bot = botOf(ctx);
    return ok([...bot.guildIds].map((id) => apiPartialGuild(ctx.state.guild(id), bot)));
  }),
  route('GET', '/guilds/:id/channels', 'bot', (ctx) => {
    const guild = ctx.state.guilds.get(ctx.params[0]!);
    const bot = botOf(ctx);
    if (guild === undefined || !bot.guildIds.has(guild.id)) throw new ApiError(404, ApiCode.UnknownGuild, 'Unknown Guild');
    const channels = guild.channelIds.map((id) => ctx.state.channel(id))
      .filter((c) => c.parentId === null && ctx.state.can(bot.user.id, c, 'view'));
    return ok(channels.map(apiChannel));
  }),
  // List Active Guild Threads: every unarchived thread the bot may see (forum posts included), with no thread members (ThreadsResponse).
  route('GET', '/guilds/:id/threads/active', 'bot', (ctx) => {
    const guild = ctx.state.guilds.get(ctx.params[0]!);
    const bot = botOf(ctx);
    if (guild === undefined || !bot.guildIds.has(guild.id)) throw new ApiError(404, ApiCode.UnknownGuild, 'Unknown Guild');
    const threads = guild.channelIds.map((id) => ctx.state.channel(id))
      .filter((c) => c.thread !== null && !c.thread.archived && ctx.state.can(bot.user.id, c, 'view'));
    return ok({ threads: threads.map(apiChannel), members: [] });
  }),
  route('GET', '/channels/:id', 'bot', (ctx) => {
    const channel = channelFor(ctx, ctx.params[0]!);
    return ok(isDmChannel(channel) ? apiDmChannel(channel, botOf(ctx).user.id, ctx.state) : apiChannel(channel));
  }),
  route('GET', '/channels/:id/messages', 'bot', (ctx) => {
    const channel = channelFor(ctx, ctx.params[0]!);
    // Discord answers a bot without Read Message History with no messages, not an error.
    if (!ctx.state.can(botOf(ctx).user.id, channel, 'read_history')) return ok([]);
    const after = ctx.query.get('after');
    const before = ctx.query.get('before');
    const messages = ctx.state.listMessages(channel.id, {
      limit: listLimit(ctx.query), ...(after === null ? {} : { after }), ...(before === null ? {} : { before }),
    });
    return ok(messages.map((m) => apiMessage(m, ctx.state)));
  }),
  route('GET', '/channels/:id/messages/:id', 'bot', (ctx) => {
    const channel = channelFor(ctx, ctx.params[0]!);
    return ok(apiMessage(messageIn(ctx, channel, ctx.params[1]!), ctx.state));
  }),
  route('POST', '/channels/:id/messages', 'bot', (ctx) => {
    const channel = channelFor(ctx, ctx.params[0]!, sendPermission(channelFor(ctx, ctx.params[0]!)));
    if (isDmChannel(channel)) checkDmDelivery(ctx.state, channel.dm);
    else admitPost(ctx.state, channel, botOf(ctx).user.id);
    const { message } = createBotMessage(ctx.state, channel, botOf(ctx).user.id, ctx.body, ctx.limits);
    return ok(apiMessage(message, ctx.state));
  }),
  route('PATCH', '/channels/:id/messages/:id', 'bot', (ctx) => {
    const channel = channelFor(ctx, ctx.params[0]!);
    const message = messageIn(ctx, channel, ctx.params[1]!);
    if (!ownMessage(ctx, message)) {
      throw new ApiError(403, ApiCode.CannotEditOtherUsersMessage, 'Cannot edit a message authored by another user');
    }
    return ok(apiMessage(editMessage(ctx.state, message, ctx.body, ctx.limits), ctx.state));
  }),
  route('DELETE', '/channels/:id/messages/:id', 'bot', (ctx) => {
    const channel = channelFor(ctx, ctx.params[0]!);
    const message = messageIn(ctx, channel, ctx.params[1]!);
    if (!ownMessage(ctx, message) && isDmChannel(channel)) throw new ApiError(403, ApiCode.CannotExecuteOnDm, 'Cannot execute action on a DM channel');
    if (!ownMessage(ctx, message) && !ctx.state.can(botOf(ctx).user.id, channel, 'manage_messages')) {
      throw new ApiError(403, ApiCode.MissingPermissions, 'Missing Permissions');
    }
    ctx.state.deleteMessage(message);
    return noContent;
  }),
  route('POST', '/channels/:id/messages/bulk-delete', 'bot', (ctx) => {
    // Manage Messages even for the bot's own messages, unlike a single delete.
    bulkDelete(ctx.state, guildChannelFor(ctx, ctx.params[0]!, 'manage_messages'), ctx.body);
    return noContent;
  }),
  route('POST', '/channels/:id/threads', 'bot', (ctx) => {
    const parent = guildChannelFor(ctx, ctx.params[0]!);
    if (startsPost(parent)) {
      const { thread, message } = startPost(ctx.state, parent, botOf(ctx), ctx.body, ctx.limits);
      return { status: 201, body: { ...apiCreatedThread(thread, botOf(ctx).user), message: apiMessage(message, ctx.state) } };
    }
    const thread = startThread(ctx.state, parent, botOf(ctx), ctx.body);
    return { status: 201, body: apiCreatedThread(thread, botOf(ctx).user) };
  }),
  route('GET', '/channels/:id/webhooks', 'bot', (ctx) => {
    const channel = guildChannelFor(ctx, ctx.params[0]!, 'manage_webhooks');
    return ok(ctx.state.webhooksOf(channel.id).map((w) => apiWebhook(w, ctx.state)));
  }),
  route('POST', '/channels/:id/webhooks', 'bot', (ctx) => {
    const channel = guildChannelFor(ctx, ctx.params[0]!, 'manage_webhooks');
    if (channel.parentId !== null) throw wrongChannelType();
    const name = ctx.body.json?.name;
    checkWebhookName('name', name);
    if (ctx.state.webhooksOf(channel.id).length >= 15) throw new ApiError(400, 30007, 'Maximum number of webhooks reached (15)');
    const avatar = typeof ctx.body.json?.avatar === 'string' ? ctx.body.json.avatar : null;
    return ok(apiWebhook(ctx.state.createWebhook(channel, botOf(ctx), name as string, avatar), ctx.state));
  }),
  route('POST', '/attachments/refresh-urls', 'bot', refreshUrls),
  ...commandRoutes('/applications/:id/commands', false),
  ...commandRoutes('/applications/:id/guilds/:id/commands', true),
  route('POST', '/interactions/:id/:token/callback', 'none', interactionCallback),
  route('GET', '/webhooks/:id', 'bot', (ctx) => {
    const webhook = ctx.state.webhooks.get(ctx.params[0]!);
    if (webhook === undefined) throw new ApiError(404, ApiCode.UnknownWebhook, 'Unknown Webhook');
    channelFor(ctx, webhook.channelId, 'manage_webhooks');
    return ok(apiWebhook(webhook, ctx.state));
  }),
  route('GET', '/webhooks/:id/:token', 'none', (ctx) => {
    const { token: _token, ...rest } = apiWebhook(webhookFor(ctx, ctx.params[0]!, ctx.params[1]!), ctx.state);
    return ok(rest);
  }),
  route('POST', '/webhooks/:id/:token', 'none', (ctx) => {
    const interaction = interactionOfWebhook(ctx);
    if (interaction !== null) return followUp(ctx, interaction);
    const webhook = webhookFor(ctx, ctx.params[0]!, ctx.params[1]!);
    const channel = webhookChannel(ctx, webhook);
    admitPost(ctx.state, channel, null);
    const message = createWebhookMessage(ctx.state, channel, webhook, ctx.body, ctx.limits);
    return ctx.query.get('wait') === 'true' ? ok(apiMessage(message, ctx.state)) : noContent;
  }),
  // `@original` exists only for interaction tokens: a webhook has no original message.
  route('GET', '/webhooks/:id/:token/messages/@original', 'none', (ctx) => {
    const interaction = interactionOfWebhook(ctx);
    if (interaction === null) return noOriginal(ctx);
    return ok(apiMessage(originalMessage(ctx, interaction), ctx.state));
  }),
  route('PATCH', '/webhooks/:id/:token/messages/@original', 'none', (ctx) => {
    const interaction = interactionOfWebhook(ctx);
    return interaction === null ? noOriginal(ctx) : editInteractionMessage(ctx, originalMessage(ctx, interaction));
  }),
  route('DELETE', '/webhooks/:id/:token/messages/@original', 'none', (ctx) => {
    const interaction = interactionOfWebhook(ctx);
    if (interaction === null) return noOriginal(ctx);
    ctx.state.deleteMessage(originalMessage(ctx, interaction));
    return noContent;
  }),
  route('GET', '/webhooks/:id/:token/messages/:id', 'none', (ctx) => {
    const interaction = interactionOfWebhook(ctx);
    if (interaction !== null) return ok(apiMessage(interactionMessage(ctx, interaction, ctx.params[2]!), ctx.state));
    const webhook = webhookFor(ctx, ctx.params[0]!, ctx.params[1]!);
    return ok(apiMessage(webhookMessage(ctx, webhook, ctx.params[2]!), ctx.state));
  }),
  route('PATCH', '/webhooks/:id/:token/messages/:id', 'none', (ctx) => {
    const interaction = interactionOfWebhook(ctx);
    if (interaction !== null) return editInteractionMessage(ctx, interactionMessage(ctx, interaction, ctx.params[2]!));
    const webhook = webhookFor(ctx, ctx.params[0]!, ctx.params[1]!);
    const message = webhookMessage(ctx, webhook, ctx.params[2]!);
    return ok(apiMessage(editMessage(ctx.state, message, ctx.body, ctx.limits), ctx.state));
  }),
  route('DELETE', '/webhooks/:id/:token/messages/:id', 'none', (ctx) => {
    const interaction = interactionOfWebhook(ctx);
    const message = interaction !== null
      ? interactionMessage(ctx, interaction, ctx.params[2]!)
      : webhookMessage(ctx, webhookFor(ctx, ctx.params[0]!, ctx.params[1]!), ctx.params[2]!);
    ctx.state.deleteMessage(message);
    return noContent;
  }),
];

/** The route for a request, with its path parameters. */
export function matchRoute(method: string, path: string): { route: Route; params: string[] } | null {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(path);
    if (m !== null) return { route: r, params: m.slice(1) };
  }
  return null;
}
