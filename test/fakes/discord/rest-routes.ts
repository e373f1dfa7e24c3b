/**
 * The REST routes of API v10 the fake answers, each with the bucket route
 * (`/channels/:id/messages`) the counters and rate-limit rules use. Bot
 * routes need `Authorization: Bot <token>`; webhook routes carry their token
 * in the path.
 */
import type { ParsedBody } from './http-io.ts';
import { ApiError } from './http-io.ts';
import type { FakeBot, FakeChannel, FakeMessage, FakeWebhook } from './model.ts';
import { apiBotUser, apiChannel, apiMessage, apiPartialGuild, apiWebhook } from './payloads.ts';
import { ApiCode } from './protocol.ts';
import type { FakePermission } from './protocol.ts';
import { bulkDelete } from './rest-bulk-delete.ts';
import { checkWebhookName, createBotMessage, createWebhookMessage, editMessage } from './rest-messages.ts';
import type { MessageLimits } from './rest-messages.ts';
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

function messageIn(ctx: RouteContext, channel: FakeChannel, id: string): FakeMessage {
  const message = ctx.state.message(channel.id, id);
  if (message === undefined) throw new ApiError(404, ApiCode.UnknownMessage, 'Unknown Message');
  return message;
}

function webhookFor(ctx: RouteContext, id: string, token: string): FakeWebhook {
  const webhook = ctx.state.webhooks.get(id);
  if (webhook === undefined) throw new ApiError(404, ApiCode.UnknownWebhook, 'Unknown Webhook');
  if (webhook.token !== token) throw new ApiError(401, ApiCode.InvalidWebhookToken, 'Invalid Webhook Token');
  return webhook;
}

/** The channel a webhook posts to: its own, or a thread of it named by `thread_id`. */
function webhookChannel(ctx: RouteContext, webhook: FakeWebhook): FakeChannel {
  const threadId = ctx.query.get('thread_id');
  const channel = ctx.state.channels.get(threadId ?? webhook.channelId);
  if (channel === undefined || (threadId !== null && channel.parentId !== webhook.channelId)) {
    throw new ApiError(400, ApiCode.UnknownChannel, 'Unknown Channel');
  }
  return channel;
}

function webhookMessage(ctx: RouteContext, webhook: FakeWebhook, id: string): FakeMessage {
  const message = ctx.state.messages.get(id);
  if (message === undefined || message.webhookId !== webhook.id) throw new ApiError(404, ApiCode.UnknownMessage, 'Unknown Message');
  return message;
}

function listLimit(query: URLSearchParams): number {
  const raw = query.get('limit');
  const limit = raw === null ? 50 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ApiError(400, ApiCode.InvalidFormBody, 'Invalid Form Body');
  return limit;
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
  route('GET', '/channels/:id', 'bot', (ctx) => ok(apiChannel(channelFor(ctx, ctx.params[0]!)))),
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
    const channel = channelFor(ctx, ctx.params[0]!, 'send');
    const { message } = createBotMessage(ctx.state, channel, botOf(ctx).user.id, ctx.body, ctx.limits);
    return ok(apiMessage(message, ctx.state));
  }),
  route('PATCH', '/channels/:id/messages/:id', 'bot', (ctx) => {
    const channel = channelFor(ctx, ctx.params[0]!);
    const message = messageIn(ctx, channel, ctx.params[1]!);
    if (message.authorId !== botOf(ctx).user.id || message.webhookId !== null) {
      throw new ApiError(403, ApiCode.CannotEditOtherUsersMessage, 'Cannot edit a message authored by another user');
    }
    return ok(apiMessage(editMessage(ctx.state, message, ctx.body, ctx.limits), ctx.state));
  }),
  route('DELETE', '/channels/:id/messages/:id', 'bot', (ctx) => {
    const channel = channelFor(ctx, ctx.params[0]!);
    const message = messageIn(ctx, channel, ctx.params[1]!);
    const own = message.authorId === botOf(ctx).user.id && message.webhookId === null;
    if (!own && !ctx.state.can(botOf(ctx).user.id, channel, 'manage_messages')) {
      throw new ApiError(403, ApiCode.MissingPermissions, 'Missing Permissions');
    }
    ctx.state.deleteMessage(message);
    return noContent;
  }),
  route('POST', '/channels/:id/messages/bulk-delete', 'bot', (ctx) => {
    // Manage Messages even for the bot's own messages, unlike a single delete.
    bulkDelete(ctx.state, channelFor(ctx, ctx.params[0]!, 'manage_messages'), ctx.body);
    return noContent;
  }),
  route('GET', '/channels/:id/webhooks', 'bot', (ctx) => {
    const channel = channelFor(ctx, ctx.params[0]!, 'manage_webhooks');
    return ok(ctx.state.webhooksOf(channel.id).map((w) => apiWebhook(w, ctx.state)));
  }),
  route('POST', '/channels/:id/webhooks', 'bot', (ctx) => {
    const channel = channelFor(ctx, ctx.params[0]!, 'manage_webhooks');
    if (channel.parentId !== null) throw new ApiError(400, 50024, 'Cannot execute action on this channel type');
    const name = ctx.body.json?.name;
    checkWebhookName('name', name);
    if (ctx.state.webhooksOf(channel.id).length >= 15) throw new ApiError(400, 30007, 'Maximum number of webhooks reached (15)');
    const avatar = typeof ctx.body.json?.avatar === 'string' ? ctx.body.json.avatar : null;
    return ok(apiWebhook(ctx.state.createWebhook(channel, botOf(ctx), name as string, avatar), ctx.state));
  }),
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
    const webhook = webhookFor(ctx, ctx.params[0]!, ctx.params[1]!);
    const message = createWebhookMessage(ctx.state, webhookChannel(ctx, webhook), webhook, ctx.body, ctx.limits);
    return ctx.query.get('wait') === 'true' ? ok(apiMessage(message, ctx.state)) : noContent;
  }),
  route('GET', '/webhooks/:id/:token/messages/:id', 'none', (ctx) => {
    const webhook = webhookFor(ctx, ctx.params[0]!, ctx.params[1]!);
    return ok(apiMessage(webhookMessage(ctx, webhook, ctx.params[2]!), ctx.state));
  }),
  route('PATCH', '/webhooks/:id/:token/messages/:id', 'none', (ctx) => {
    const webhook = webhookFor(ctx, ctx.params[0]!, ctx.params[1]!);
    const message = webhookMessage(ctx, webhook, ctx.params[2]!);
    return ok(apiMessage(editMessage(ctx.state, message, ctx.body, ctx.limits), ctx.state));
  }),
  route('DELETE', '/webhooks/:id/:token/messages/:id', 'none', (ctx) => {
    const webhook = webhookFor(ctx, ctx.params[0]!, ctx.params[1]!);
    ctx.state.deleteMessage(webhookMessage(ctx, webhook, ctx.params[2]!));
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
