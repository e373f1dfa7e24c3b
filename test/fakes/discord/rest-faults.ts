import { IpBan } from './ip-ban.ts';
/**
 * Scripted REST faults and the request counters tests read. A rate-limit
 * rule answers 429 (with `retry_after`, `Retry-After`, `X-RateLimit-*` and,
 * for a global limit, `X-RateLimit-Global`) to the requests it matches, for
 * its next `count` matches or until its time window ends; a server-error
 * rule answers 5xx the same way.
 */

/** Which requests a rule applies to, and for how long. */
export interface FaultScope {
  /** Only requests of this bot (its user id); a webhook execution counts as its creator's. Default: every bot. */
  botUserId?: string;
  /** Only this route, as `METHOD /bucket/route` with ids as `:id`, e.g. `POST /channels/:id/messages`. Default: every route. */
  route?: string;
  /** Only requests whose path holds this id (a channel, a webhook). */
  majorId?: string;
  /** The next `count` matching requests fail. Default 1 when `forMs` is absent. */
  count?: number;
  /** Every matching request fails for this many ms from now. */
  forMs?: number;
  /** Lets this many matching requests through before the rule applies (to fail part 2 of a message). Default 0. */
  skip?: number;
}

export interface ServerErrorRule extends FaultScope {
  /** Default 500. */
  status?: 500 | 502 | 503 | 504;
  /**
   * The request takes effect, then the error is answered: a 502/504 from
   * Discord's edge whose upstream did the work, which looks to the client as
   * a lost answer does (or a crash right after the call). Default false.
   */
  applied?: boolean;
}

export interface RateLimitRule extends FaultScope {
  /** The `retry_after` announced, ms. */
  retryAfterMs: number;
  /** A global limit (`X-RateLimit-Global`, `"global": true`). Default false. */
  global?: boolean;
  /** `X-RateLimit-Scope`: `user` (default), `global` or `shared` (shared limits do not count as invalid requests). */
  scope?: 'user' | 'global' | 'shared';
}

interface ActiveRule {
  rule: FaultScope & Partial<RateLimitRule> & Partial<ServerErrorRule>;
  kind: 'rate_limit' | 'server_error';
  remaining: number;
  until: number;
  skip: number;
}

export interface RestStats {
  /** Requests per `METHOD /bucket/route`. */
  requests: Record<string, number>;
  /** Invalid requests, as Discord counts them toward its ban: 401, 403 and non-shared 429 answers. */
  invalid: { 401: number; 403: number; 429: number };
  /** Invalid requests per bot user id. */
  invalidByBot: Record<string, number>;
  /** Every 429 sent (scripted, modelled or slowmode), by `X-RateLimit-Scope`. */
  rateLimited: { user: number; global: number; shared: number };
}

export interface FaultAnswer {
  /** The route runs first (ServerErrorRule.applied); its answer is replaced by this one. */
  applied?: boolean;
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export class RestFaults {
  #rules: ActiveRule[] = [];
  /** Counts the invalid requests toward the IP ban too. */
  readonly ipBan: IpBan;

  constructor(ipBan: IpBan = new IpBan()) {
    this.ipBan = ipBan;
  }

  readonly stats: RestStats = { requests: {}, invalid: { 401: 0, 403: 0, 429: 0 }, invalidByBot: {}, rateLimited: { user: 0, global: 0, shared: 0 } };

  /** Adds a 429 rule; the returned function removes it early. */
  rateLimit(rule: RateLimitRule): () => void {
    return this.#add('rate_limit', rule);
  }

  /** Adds a 5xx rule; the returned function removes it early. */
  serverError(rule: ServerErrorRule): () => void {
    return this.#add('server_error', rule);
  }

  #add(kind: ActiveRule['kind'], rule: ActiveRule['rule']): () => void {
    const active: ActiveRule = {
      rule,
      kind,
      remaining: rule.count ?? (rule.forMs === undefined ? 1 : Number.POSITIVE_INFINITY),
      until: rule.forMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + rule.forMs,
      skip: rule.skip ?? 0,
    };
    this.#rules.push(active);
    return () => {
      this.#rules = this.#rules.filter((r) => r !== active);
    };
  }

  clear(): void {
    this.#rules = [];
  }

  count(route: string): void {
    this.stats.requests[route] = (this.stats.requests[route] ?? 0) + 1;
  }

  /** Records an answer's status if Discord would count it as invalid. */
  answered(status: number, botUserId: string | null, scope?: string): void {
    if (status === 429) {
      const key = scope === 'global' || scope === 'shared' ? scope : 'user';
      this.stats.rateLimited[key] += 1;
    }
    if (status !== 401 && status !== 403 && status !== 429) return;
    if (status === 429 && scope === 'shared') return;
    this.stats.invalid[status] += 1;
    this.ipBan.invalid();
    if (botUserId !== null) this.stats.invalidByBot[botUserId] = (this.stats.invalidByBot[botUserId] ?? 0) + 1;
  }

  /** The 429 or 5xx a rule gives this request, if any. */
  check(route: string, path: string, botUserId: string | null): FaultAnswer | null {
    if (this.#rules.length === 0) return null;
    const now = Date.now();
    this.#rules = this.#rules.filter((r) => r.remaining > 0 && r.until > now);
    for (const active of this.#rules) {
      const { rule } = active;
      if (rule.botUserId !== undefined && rule.botUserId !== botUserId) continue;
      if (rule.route !== undefined && rule.route !== route) continue;
      if (rule.majorId !== undefined && !path.includes(`/${rule.majorId}`)) continue;
      if (active.skip > 0) {
        active.skip -= 1;
        continue;
      }
      active.remaining -= 1;
      if (active.kind === 'server_error') {
        return { status: rule.status ?? 500, headers: {}, body: { message: 'Internal Server Error', code: 0 }, applied: rule.applied === true };
      }
      const retryAfterMs = rule.retryAfterMs ?? 1_000;
      const seconds = retryAfterMs / 1000;
      const global = rule.global === true;
      const scope = rule.scope ?? (global ? 'global' : 'user');
      const headers: Record<string, string> = {
        // Fractional seconds, so short test limits stay short; discord.js parses them as numbers.
        'Retry-After': String(seconds),
        'X-RateLimit-Scope': scope,
      };
      if (global) headers['X-RateLimit-Global'] = 'true';
      else {
        headers['X-RateLimit-Limit'] = '5';
        headers['X-RateLimit-Remaining'] = '0';
        headers['X-RateLimit-Reset'] = String((now + retryAfterMs) / 1000);
        headers['X-RateLimit-Reset-After'] = String(seconds);
        headers['X-RateLimit-Bucket'] = `fake-${route.replace(/[^a-z]/gi, '')}`;
      }
      return { status: 429, headers, body: { message: 'You are being rate limited.', retry_after: seconds, global, code: 0 } };
    }
    return null;
  }
}
