/**
 * How the Discord clients use REST: discord.js's own REST manager, told to
 * reject instead of sleeping on a rate limit (a 429 must come back to the
 * forwarding queue as `flood_wait`, never stall the actor) and not to retry
 * (the queue retries with backoff), with every answer Discord counts as an
 * invalid request recorded in the thread's window. A 429 from a channel's
 * slowmode (code 20016) becomes a wait for that channel only (`scope:
 * 'chat'`), as does a route bucket's 429 (per channel or webhook); a global
 * 429 is a wait for the bot. `sendFailure` maps what REST
 * throws onto the `SendResult` kinds.
 */
import { DefaultRestOptions, DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import type { ResponseLike, RESTOptions } from 'discord.js';
import type { SendNotice, SendResult } from '../../../src/runtime-contracts/actor-contract.ts';
import type { DiscordRuntime } from './discord-runtime.ts';

export type SendFailure = Extract<SendResult, { ok: false }>;

/** REST options of every client of the runtime. */
export function restOptions(runtime: DiscordRuntime): Partial<RESTOptions> {
  const makeRequest = DefaultRestOptions.makeRequest;
  return {
    api: runtime.apiUrl,
    rejectOnRateLimit: () => true,
    retries: 0,
    timeout: runtime.requestTimeoutMs,
    makeRequest: async (url, init) => {
      const response = await makeRequest(url, init);
      const status = response.status;
      // Shared-scope 429s (a busy channel, not us) are the one kind Discord does not count.
      if (status === 401 || status === 403 || (status === 429 && response.headers.get('x-ratelimit-scope') !== 'shared')) {
        runtime.invalidRequests.record();
      }
      return status === 429 ? checkSlowmode(url, response) : response;
    },
  };
}

/** Discord's JSON code of a 429 from a channel's slowmode (rate_limit_per_user), not from a route's bucket. */
const SLOWMODE_RATE_LIMIT = 20016;

/**
 * A post refused by the channel's slowmode: only that channel must wait,
 * not the bot. Thrown from `makeRequest`, before discord.js turns the 429
 * into a RateLimitError that no longer says which limit it was.
 */
export class SlowmodeRateLimitError extends Error {
  readonly retryAfterMs: number;

  constructor(url: string, retryAfterMs: number) {
    super(`slowmode: ${url} accepts the bot's next message in ${retryAfterMs} ms`);
    this.name = 'SlowmodeRateLimitError';
    this.retryAfterMs = retryAfterMs;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Throws `SlowmodeRateLimitError` for a slowmode 429; else hands back the
 * 429 with its body still readable (it was read here to tell).
 */
async function checkSlowmode(url: string, response: ResponseLike): Promise<ResponseLike> {
  const text = await response.text().catch(() => '');
  const body = parseJson(text) as { code?: unknown; retry_after?: unknown } | null;
  if (body?.code === SLOWMODE_RATE_LIMIT) {
    const seconds = typeof body.retry_after === 'number' ? body.retry_after : Number(response.headers.get('retry-after') ?? 1);
    throw new SlowmodeRateLimitError(new URL(url).pathname, Math.max(1, Math.ceil(seconds * 1000)));
  }
  const bytes = new TextEncoder().encode(text);
  return {
    body: null,
    bodyUsed: false,
    headers: response.headers,
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    arrayBuffer: async () => bytes.buffer,
    json: async () => JSON.parse(text) as unknown,
    text: async () => text,
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The status of a REST failure, if it is one (DiscordAPIError or HTTPError). */
export function restStatus(error: unknown): number | null {
  if (error instanceof DiscordAPIError || error instanceof HTTPError) return error.status;
  return null;
}

/** The JSON error code of a DiscordAPIError. */
export function restCode(error: unknown): number | string | null {
  return error instanceof DiscordAPIError ? error.code : null;
}

/** What a failed REST call means for the task that made it. */
/** What the pair's owner is told when Discord refuses the destination itself, by Discord's JSON error code. */
const DESTINATION_NOTICES: Record<string, SendNotice> = {
  50001: {
    code: 'destination_forbidden',
    message: 'The bot cannot see the destination channel (Discord: Missing Access): give it View Channel there',
  },
  50013: {
    code: 'destination_forbidden',
    message: 'The bot lacks a permission in the destination channel (Discord: Missing Permissions): it needs Send Messages, '
      + 'Attach Files and Embed Links, Manage Webhooks for copy mode, Send Messages in Threads for a thread',
  },
  10003: { code: 'destination_unknown', message: 'The destination channel no longer exists (Discord: Unknown Channel): pick another' },
  160005: {
    code: 'destination_thread_locked',
    message: 'The destination thread is locked (Discord: Thread is locked): only moderators may post in it; unlock it, give the bot Manage Threads, or pick another',
  },
  50083: {
    code: 'destination_thread_locked',
    message: 'The destination thread is archived and locked (Discord: Operation was attempted on an archived thread): unlock it, give the bot Manage Threads, or pick another',
  },
  40067: {
    code: 'destination_tag_required',
    message: 'The destination forum requires a tag on every post and offers none the bot may apply (Discord 40067): add a tag anyone may use',
  },
  50008: {
    code: 'destination_unsupported',
    message: 'The destination channel holds no messages (Discord: Cannot send messages in a non-text channel): pick a text, announcement or forum channel or a thread',
  },
};

/** A REST failure that, besides what its code says, names the notice the pair's owner should see (which permission a thread or post needs). */
export class NoticeError extends Error {
  readonly notice: SendNotice;

  constructor(cause: unknown, notice: SendNotice) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'NoticeError';
    this.notice = notice;
  }
}

export function sendFailure(error: unknown): SendFailure {
  if (error instanceof NoticeError) return { ...sendFailure(error.cause), notice: error.notice };
  if (error instanceof SlowmodeRateLimitError) return { ok: false, kind: 'flood_wait', scope: 'chat', message: error.message, retryAfterMs: error.retryAfterMs };
  if (error instanceof RateLimitError) {
    const retryAfterMs = Math.max(1, Math.ceil(error.retryAfter));
    const failure: SendFailure = { ok: false, kind: 'flood_wait', message: `429 on ${error.method} ${error.route}${error.global ? ' (global)' : ''}`, retryAfterMs };
    // A route's bucket is per channel or webhook (its major parameter): only the pair sending there waits.
    // Holding the whole bot for one busy channel's 5-per-5-s bucket stalled every other pair of the bot for seconds.
    if (!error.global && error.majorParameter !== 'global') failure.scope = 'chat';
    return failure;
  }
  if (error instanceof DiscordAPIError) {
    const text = `${error.status} ${error.code}: ${error.message}`;
    if (error.status === 401) return { ok: false, kind: 'revoked', message: `Discord rejected the bot token (${text})` };
    if (error.status >= 500 || error.status === 408) return { ok: false, kind: 'transient', message: text };
    if (error.status === 429) return { ok: false, kind: 'flood_wait', message: text, retryAfterMs: 1_000 };
    // 403/50001/50013 missing access or permissions, 404/10003/10008/10015 unknown channel, message or
    // webhook, 403/160005 and 400/50083 a locked thread, 400/50035 invalid form, 413 too large: no retry
    // changes any of them. Those about the pair's setup, which only its owner can mend, say so on the pair.
    const notice = DESTINATION_NOTICES[String(error.code)];
    return notice === undefined ? { ok: false, kind: 'permanent', message: text } : { ok: false, kind: 'permanent', message: text, notice };
  }
  if (error instanceof HTTPError) return { ok: false, kind: 'transient', message: `${error.status} ${error.message}` };
  // After a 401 discord.js drops the token; every later request fails with this before reaching Discord.
  if (error instanceof Error && error.message.startsWith('Expected token to be set')) {
    return { ok: false, kind: 'revoked', message: 'Discord rejected the bot token earlier' };
  }
  return { ok: false, kind: 'transient', message: message(error) };
}
