/**
 * Telegram's send pacing, as the fake enforces it: token buckets per
 * account and destination chat, answering `420 FLOOD_WAIT_<seconds>` (the
 * seconds until the bucket frees a token, at least 1) once one is empty.
 * Telegram documents these limits for bots (core.telegram.org/bots/faq,
 * "My bot is hitting limits"): about one message a second in one chat
 * (a short burst tolerated), about 20 a minute in one group, supergroup or
 * channel, about 30 a second overall; user accounts meet the same order of
 * limits as FLOOD_WAIT answers.
 *
 * Modelling choices: one RPC is one message whatever it carries (an album
 * by sendMultiMedia, several ids in forwardMessages), since Telegram lets an
 * account post a ten-item album at once; a call refused for another reason
 * gives its token back (the limiter runs before the handler, which may then
 * fail); the per-chat key is the sender and the chat, so two accounts in one
 * group do not share a bucket. Pure apart from the clock passed in.
 */
import { Api } from './tl-io.ts';

/** One bucket: `burst` messages at once, refilled at `perSecond`. */
export interface BucketLimit {
  burst: number;
  perSecond: number;
}

export interface FloodLimits {
  /** Any chat, per sending account. Default 3 at once, 1 a second. */
  chat: BucketLimit;
  /** Basic groups, supergroups and channels, on top of `chat`. Default 20 at once, 20 a minute. */
  group: BucketLimit;
  /** Everything the account sends. Default 30 at once, 30 a second. */
  account: BucketLimit;
}

export const TELEGRAM_FLOOD_LIMITS: FloodLimits = {
  chat: { burst: 3, perSecond: 1 },
  group: { burst: 20, perSecond: 20 / 60 },
  account: { burst: 30, perSecond: 30 },
};

/** The methods that post or change a message in a chat, and the field naming that chat. */
const PACED: Record<string, 'peer' | 'toPeer'> = {
  'messages.sendMessage': 'peer',
  'messages.sendMedia': 'peer',
  'messages.sendMultiMedia': 'peer',
  'messages.forwardMessages': 'toPeer',
  // Edits change what a chat shows as fast as posts do, and Telegram answers floods of them alike.
  'messages.editMessage': 'peer',
};

interface Bucket {
  tokens: number;
  at: number;
}

/** What `take` hands out: the buckets it drew on, to give back when the call fails. */
export type FloodTicket = readonly Bucket[];

export class FloodLimiter {
  readonly #limits: FloodLimits;
  readonly #buckets = new Map<string, Bucket>();
  /** FLOOD_WAIT answers given. */
  floodWaits = 0;

  constructor(limits: FloodLimits = TELEGRAM_FLOOD_LIMITS) {
    for (const [name, l] of Object.entries(limits) as [string, BucketLimit][]) {
      if (!(Number.isInteger(l.burst) && l.burst >= 1)) throw new RangeError(`floodLimits.${name}.burst must be a positive integer`);
      if (!(Number.isFinite(l.perSecond) && l.perSecond > 0)) throw new RangeError(`floodLimits.${name}.perSecond must be a positive number`);
    }
    this.#limits = limits;
  }

  /**
   * Takes a token from every bucket `method` draws on for `userId`; a ticket
   * to give back with `refund`, or the whole seconds to wait (nothing taken).
   * Methods that post nothing pass with an empty ticket.
   */
  take(method: string, userId: string, request: unknown, now: number): { ticket: FloodTicket } | { waitSeconds: number } {
    const field = PACED[method];
    const chat = field === undefined ? null : chatOf((request as Record<string, unknown>)[field]);
    if (chat === null) return { ticket: [] };
    const buckets: Array<[Bucket, BucketLimit]> = [[this.#bucket(`a:${userId}`, this.#limits.account, now), this.#limits.account]];
    buckets.push([this.#bucket(`c:${userId}:${chat.key}`, this.#limits.chat, now), this.#limits.chat]);
    if (chat.group) buckets.push([this.#bucket(`g:${userId}:${chat.key}`, this.#limits.group, now), this.#limits.group]);
    let waitMs = 0;
    for (const [bucket, limit] of buckets) {
      refill(bucket, limit, now);
      if (bucket.tokens < 1) waitMs = Math.max(waitMs, ((1 - bucket.tokens) / limit.perSecond) * 1_000);
    }
    if (waitMs > 0) {
      this.floodWaits += 1;
      // The epsilon keeps float noise (2000.0000001 ms) from adding a whole second.
      return { waitSeconds: Math.max(1, Math.ceil(waitMs / 1_000 - 1e-6)) };
    }
    for (const [bucket] of buckets) bucket.tokens -= 1;
    return { ticket: buckets.map(([bucket]) => bucket) };
  }

  /** Gives the tokens of a call that failed for another reason back. */
  refund(ticket: FloodTicket): void {
    for (const bucket of ticket) bucket.tokens += 1;
  }

  #bucket(key: string, limit: BucketLimit, now: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: limit.burst, at: now };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }
}

function refill(bucket: Bucket, limit: BucketLimit, now: number): void {
  bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1_000) * limit.perSecond);
  bucket.at = now;
}

/** The destination chat of an input peer: a key, and whether group limits apply. */
function chatOf(peer: unknown): { key: string; group: boolean } | null {
  if (peer instanceof Api.InputPeerUser || peer instanceof Api.InputPeerUserFromMessage) return { key: `u${peer.userId.toString()}`, group: false };
  if (peer instanceof Api.InputPeerSelf) return { key: 'self', group: false };
  if (peer instanceof Api.InputPeerChat) return { key: `g${peer.chatId.toString()}`, group: true };
  if (peer instanceof Api.InputPeerChannel || peer instanceof Api.InputPeerChannelFromMessage) return { key: `c${peer.channelId.toString()}`, group: true };
  return null;
}
