/**
 * Discord's REST rate limits as its answers show them: per-route buckets
 * keyed by route and major parameter (channel, guild, webhook id + token,
 * interaction), a global limit per bot token, `X-RateLimit-*` headers on
 * every answer of a bucketed route, and a 429 with `retry_after` (seconds,
 * decimals) and a whole-second `Retry-After` once a bucket or the global
 * limit is spent. Webhook executions carry no bot token, so the global
 * limit skips them, and Discord exempts interaction responses and
 * follow-ups from it (rate-limits docs: "Interaction endpoints are not
 * bound to the bot's Global Rate Limit"); their follow-ups share the
 * webhook execution limit.
 *
 * Discord does not publish its numbers; the defaults are the commonly
 * observed ones. Opening DMs (Create DM) is a bucket of its own per bot;
 * Discord's docs only warn that opening many quickly gets a bot limited,
 * so its default is `other`'s. Messages to a DM channel share the channel
 * message bucket, per DM channel, like any channel's. Buckets are fixed
 * windows from their first request, as
 * Discord's `Reset` announces them.
 */
import { createHash } from 'node:crypto';

/** `limit` requests per `windowMs`. */
export interface BucketLimit {
  limit: number;
  windowMs: number;
}

/** The modelled limits; pass `false` as `rateLimits` to the fake to turn them off. */
export interface RouteLimits {
  /** POST /channels/:id/messages, per channel and bot. Default 5 per 5 000 ms. */
  channelMessages?: BucketLimit;
  /** POST /webhooks/:id/:token, per webhook. Default 5 per 2 000 ms. */
  webhookExecute?: BucketLimit;
  /** POST /users/@me/channels (Create DM), per bot. Default: as `other`. */
  createDm?: BucketLimit;
  /** Every other route, per route, major parameter and bot. Default 50 per 1 000 ms. */
  other?: BucketLimit;
  /** Every request of one bot token (not webhook executions). Default 50 per 1 000 ms. */
  global?: BucketLimit;
  /**
   * New messages in one channel from everyone together (bots and webhooks):
   * past it, a 429 of scope `shared`, which Discord does not count as
   * invalid. Default: none.
   */
  channelShared?: BucketLimit;
}

interface Window {
  start: number;
  used: number;
}

export interface BucketAnswer {
  /** The headers of every answer of the route. */
  headers: Record<string, string>;
  /** Set when the request is refused. */
  refused?: { body: Record<string, unknown>; headers: Record<string, string>; scope: 'user' | 'global' | 'shared' };
}

const DEFAULTS: Required<Omit<RouteLimits, 'channelShared' | 'createDm'>> = {
  channelMessages: { limit: 5, windowMs: 5_000 },
  webhookExecute: { limit: 5, windowMs: 2_000 },
  other: { limit: 50, windowMs: 1_000 },
  global: { limit: 50, windowMs: 1_000 },
};

function bucketHash(route: string): string {
  return createHash('sha1').update(route).digest('hex').slice(0, 16);
}

export class RouteBuckets {
  readonly #limits: Required<Omit<RouteLimits, 'channelShared' | 'createDm'>> & Pick<RouteLimits, 'channelShared' | 'createDm'>;
  readonly #windows = new Map<string, Window>();

  constructor(limits: RouteLimits = {}) {
    this.#limits = { ...DEFAULTS, ...limits };
  }

  /**
   * Takes one request of `route` (`METHOD /bucket/route`, its major
   * parameter `majorId`) by `botUserId` (null for a webhook execution);
   * `channelId` is the channel a new message goes to (for the shared limit);
   * `global` false exempts it from the bot's global limit (interactions).
   */
  take(
    route: string, majorId: string | null, botUserId: string | null, now = Date.now(), channelId: string | null = majorId, global = true,
  ): BucketAnswer {
    const countsGlobally = global && botUserId !== null && !route.startsWith('POST /webhooks/');
    if (countsGlobally) {
      const globalLimit = this.#limits.global;
      const w = this.#window(`global:${botUserId}`, globalLimit, now);
      if (w.used >= globalLimit.limit) return { headers: {}, refused: refusal(globalLimit, w, now, 'global', {}) };
    }
    const limit = this.#limitOf(route);
    const key = `${route}|${majorId ?? ''}|${route.startsWith('POST /webhooks/') ? '' : botUserId ?? ''}`;
    const w = this.#window(key, limit, now);
    const resetMs = w.start + limit.windowMs;
    const headersAt = (remaining: number): Record<string, string> => ({
      'X-RateLimit-Limit': String(limit.limit),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': (resetMs / 1000).toFixed(3),
      'X-RateLimit-Reset-After': (Math.max(0, resetMs - now) / 1000).toFixed(3),
      'X-RateLimit-Bucket': bucketHash(route),
    });
    if (w.used >= limit.limit) return { headers: headersAt(0), refused: refusal(limit, w, now, 'user', headersAt(0)) };
    const shared = this.#limits.channelShared;
    const creates = route === 'POST /channels/:id/messages' || route === 'POST /webhooks/:id/:token';
    if (shared !== undefined && creates && channelId !== null) {
      const s = this.#window(`shared:${channelId}`, shared, now);
      if (s.used >= shared.limit) return { headers: headersAt(limit.limit - w.used), refused: refusal(shared, s, now, 'shared', headersAt(limit.limit - w.used)) };
      s.used += 1;
    }
    w.used += 1;
    if (countsGlobally) this.#windows.get(`global:${botUserId}`)!.used += 1;
    return { headers: headersAt(limit.limit - w.used) };
  }

  #limitOf(route: string): BucketLimit {
    if (route === 'POST /channels/:id/messages') return this.#limits.channelMessages;
    if (route === 'POST /webhooks/:id/:token') return this.#limits.webhookExecute;
    if (route === 'POST /users/@me/channels') return this.#limits.createDm ?? this.#limits.other;
    return this.#limits.other;
  }

  #window(key: string, limit: BucketLimit, now: number): Window {
    let w = this.#windows.get(key);
    if (w === undefined || now >= w.start + limit.windowMs) {
      w = { start: now, used: 0 };
      this.#windows.set(key, w);
      // Old windows go once the map grows: a long bench touches many channels.
      if (this.#windows.size > 10_000) this.#prune(now);
    }
    return w;
  }

  #prune(now: number): void {
    for (const [key, w] of this.#windows) if (now - w.start > 60_000) this.#windows.delete(key);
  }
}

function refusal(limit: BucketLimit, w: Window, now: number, scope: 'user' | 'global' | 'shared', bucketHeaders: Record<string, string>): NonNullable<BucketAnswer['refused']> {
  const waitMs = Math.max(1, w.start + limit.windowMs - now);
  const seconds = Number((waitMs / 1000).toFixed(3));
  const headers: Record<string, string> = {
    ...bucketHeaders,
    // Discord's Retry-After header is whole seconds; the body's retry_after keeps the decimals.
    'Retry-After': String(Math.ceil(waitMs / 1000)),
    'X-RateLimit-Scope': scope,
  };
  if (scope === 'global') headers['X-RateLimit-Global'] = 'true';
  return { headers, scope, body: { message: 'You are being rate limited.', retry_after: seconds, global: scope === 'global', code: 0 } };
}
