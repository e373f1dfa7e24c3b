/**
 * The HTTP side of the fake: `/api/v10/...` REST routes (auth, scripted
 * 429s, counters, rate-limit buckets, bodies, errors in Discord's JSON
 * shape) and `/attachments/...`, the CDN, which serves uploaded files back
 * through signed links only (cdn-links.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { attachmentPath, CONTENT_GONE } from './cdn-links.ts';
import { ApiError, parseBody, readBody, sendJson } from './http-io.ts';
import type { FakeBot } from './model.ts';
import type { RouteBuckets } from './rest-buckets.ts';
import type { RestFaults } from './rest-faults.ts';
import type { MessageLimits } from './rest-messages.ts';
import { matchRoute } from './rest-routes.ts';
import type { FakeState } from './state.ts';

const API_PREFIX = '/api/v10';

export interface RestServerDeps {
  state: FakeState;
  faults: RestFaults;
  /** The modelled rate limits; null when turned off. */
  buckets: RouteBuckets | null;
  limits: MessageLimits;
  gatewayUrl: () => string;
}

function authBot(state: FakeState, header: string | undefined): FakeBot | null {
  if (header === undefined || !header.startsWith('Bot ')) return null;
  const bot = state.botsByToken.get(header.slice(4));
  return bot === undefined || bot.revoked ? null : bot;
}

/** A file by its link: an unsigned, badly signed or expired one answers Discord's 404, a gone attachment a plain one. */
function serveAttachment(state: FakeState, url: URL, response: ServerResponse): void {
  const where = attachmentPath(url.pathname);
  if (where !== null && state.cdn.check(url.pathname, url.searchParams) !== 'valid') {
    response.writeHead(404, { 'content-type': 'text/plain' }).end(CONTENT_GONE);
    return;
  }
  const attachment = where === null ? undefined : state.attachments.get(where.attachmentId);
  if (attachment === undefined || attachment.channelId !== where?.channelId) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    return;
  }
  response.writeHead(200, { 'content-type': attachment.contentType, 'content-length': attachment.size }).end(attachment.content);
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * A route's major parameter, which splits its bucket: the channel, the
 * guild, the webhook (or application) with its token, the interaction.
 */
function majorOf(routeName: string, params: string[]): string | null {
  if (routeName.includes(' /webhooks/:id/:token') || routeName.includes(' /interactions/:id/:token')) return `${params[0]}/${params[1]}`;
  if (/ \/(channels|guilds|webhooks)\/:id/.test(routeName)) return params[0] ?? null;
  if (routeName.includes('/applications/:id/guilds/:id')) return params[1] ?? null;
  return null;
}

/**
 * Whether the request answers an interaction: its callback, or the
 * `/webhooks/{application}/{token}` routes. Discord does not count these
 * against the bot's global limit.
 */
function answersInteraction(state: FakeState, routeName: string, params: string[]): boolean {
  return routeName.startsWith('POST /interactions/') || (routeName.includes(' /webhooks/:id/:token') && state.botsByApplication.has(params[0]!));
}

export async function handleHttp(deps: RestServerDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://fake.invalid');
  const method = request.method ?? 'GET';
  if (method === 'GET' && url.pathname.startsWith('/attachments/')) {
    serveAttachment(deps.state, url, response);
    return;
  }
  // Clients encode path segments (`/users/%40me`); routes match the decoded path.
  const path = safeDecode(url.pathname);
  const match = path.startsWith(`${API_PREFIX}/`) ? matchRoute(method, path.slice(API_PREFIX.length)) : null;
  if (match === null) {
    request.resume();
    sendJson(response, 404, { message: '404: Not Found', code: 0 });
    return;
  }
  const { route, params } = match;
  const { state, faults } = deps;
  faults.count(route.name);
  const bannedMs = faults.ipBan.bannedForMs();
  if (bannedMs > 0) {
    // Cloudflare answers, not Discord: no JSON, no rate-limit headers.
    request.resume();
    faults.ipBan.refused += 1;
    response.writeHead(429, { 'content-type': 'text/html', 'retry-after': String(Math.ceil(bannedMs / 1000)) }).end('<html><body>error code: 1015</body></html>');
    return;
  }
  let botUserId: string | null = null;
  let bot: FakeBot | null = null;
  if (route.auth === 'bot') {
    bot = authBot(state, request.headers.authorization);
    if (bot === null) {
      request.resume();
      faults.answered(401, null);
      sendJson(response, 401, { message: '401: Unauthorized', code: 0 });
      return;
    }
    botUserId = bot.user.id;
  } else if (route.name.startsWith(`${method} /webhooks/`)) {
    // A webhook's requests count as its creator's; an interaction token's as its application's bot.
    botUserId = state.webhooks.get(params[0]!)?.creatorId ?? state.botsByApplication.get(params[0]!)?.user.id ?? null;
  } else if (route.name.startsWith('POST /interactions/')) {
    botUserId = state.interactions.get(params[0]!)?.botUserId ?? null;
  }
  const fault = faults.check(route.name, url.pathname, botUserId);
  if (fault !== null && fault.applied !== true) {
    request.resume();
    faults.answered(fault.status, botUserId, fault.headers['X-RateLimit-Scope']);
    sendJson(response, fault.status, fault.body, fault.headers);
    return;
  }
  const major = majorOf(route.name, params);
  const channelId = route.name.startsWith('POST /webhooks/')
    ? state.webhooks.get(params[0]!)?.channelId ?? state.interactions.byToken(params[1]!)?.channelId ?? null
    : major;
  const global = !answersInteraction(state, route.name, params);
  const bucket = deps.buckets?.take(route.name, major, botUserId, Date.now(), channelId, global) ?? { headers: {} };
  if (bucket.refused !== undefined) {
    request.resume();
    faults.answered(429, botUserId, bucket.refused.scope);
    sendJson(response, 429, bucket.refused.body, bucket.refused.headers);
    return;
  }
  try {
    const raw = await readBody(request, deps.limits.uploadLimitBytes * 10 + 1024 * 1024);
    const body = await parseBody(request, raw);
    const answer = route.handle({ state, limits: deps.limits, params, query: url.searchParams, body, bot, gatewayUrl: deps.gatewayUrl() });
    if (fault?.applied === true) {
      sendJson(response, fault.status, fault.body, fault.headers);
      return;
    }
    sendJson(response, answer.status, answer.body, bucket.headers);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    faults.answered(error.status, botUserId, error.headers['X-RateLimit-Scope']);
    const body = { message: error.message, code: error.code, ...error.fields, ...(error.errors === undefined ? {} : { errors: error.errors }) };
    sendJson(response, error.status, body, { ...bucket.headers, ...error.headers });
  }
}
