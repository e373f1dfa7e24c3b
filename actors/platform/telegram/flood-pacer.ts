/**
 * Paces one Telegram account's sends so that Telegram rarely has to answer
 * FLOOD_WAIT: a bucket per destination chat (and one more per group, which
 * Telegram holds to a minute budget) and one for the account, seeded with
 * the documented limits (pacing-options.ts). Pure: every call takes `now`.
 *
 * A send the buckets cannot take now is not slept on in the actor: it goes
 * back to the forwarding queue as `flood_wait` with the time to wait, and
 * the scheduler holds it (dispatcher.ts). When the chat is what is full,
 * only that task's pair waits (`scope: 'chat'`), and the chat's capacity at
 * that time is booked for the task, under its idempotency key: when it
 * comes back it goes, however many other pairs wrote to the chat
 * meanwhile, so a busy chat delays each message once instead of letting the
 * ones that lose the race spend their attempts. When the account is what is
 * full, the whole account waits (`scope: 'account'`), as for a FLOOD_WAIT.
 *
 * A FLOOD_WAIT that still arrives is honoured (nothing goes out on the
 * account until it is over) and learnt from: the account when it was busy
 * (more than half its burst spent), else the chat, runs at half its pace,
 * down to an eighth after repeated ones, recovering evenly over
 * `recoveryMs`.
 *
 * The buckets are GCRA (a "theoretical arrival time" per bucket instead of
 * a token count), so booking a future slot is just moving that time on.
 */
import type { SendResult } from '../../../src/runtime-contracts/actor-contract.ts';
import { parseMarkedId } from './peer-ids.ts';
import type { ResolvedPacing } from './pacing-options.ts';
import type { PaceLimit } from '../../../src/runtime-contracts/platform-options.ts';
import { DEFAULT_PACING } from './pacing-options.ts';

export type PaceVerdict = { go: true } | { go: false; scope: 'chat' | 'account'; waitMs: number };

/** A booked slot no task came back for within this long is dropped (its task went elsewhere). */
const RESERVATION_TTL_MS = 120_000;
/** Buckets idle this long are full again and dropped, so a thousand one-off chats cost nothing later. */
const IDLE_BUCKET_MS = 600_000;
const SWEEP_EVERY_MS = 30_000;
const SLOWDOWN = 2;
const MAX_SLOWDOWN = 8;
/** Float noise in the bucket arithmetic (a slot due at 37.0370000001 ms is due at 37.037). */
const EPSILON_MS = 1e-6;

class Bucket {
  readonly #limit: PaceLimit;
  /** When the bucket is empty again if nothing more is taken, ms (GCRA's theoretical arrival time). */
  tat = Number.NEGATIVE_INFINITY;
  blockedUntil = Number.NEGATIVE_INFINITY;
  #peak = 1;
  #floodAt = Number.NEGATIVE_INFINITY;

  constructor(limit: PaceLimit) {
    this.#limit = limit;
  }

  /** How much slower than seeded the bucket runs now (1 = seeded). */
  slowdown(now: number, recoveryMs: number): number {
    const left = Math.max(0, 1 - (now - this.#floodAt) / recoveryMs);
    return 1 + (this.#peak - 1) * left;
  }

  #intervalMs(now: number, recoveryMs: number): number {
    return (1_000 / this.#limit.perSecond) * this.slowdown(now, recoveryMs);
  }

  /** Earliest time `cost` messages fit (a cost above the burst fits once the bucket is full). */
  readyAt(cost: number, now: number, recoveryMs: number): number {
    const t = this.#intervalMs(now, recoveryMs);
    const fits = this.tat - (this.#limit.burst - Math.min(cost, this.#limit.burst)) * t;
    return Math.max(fits, this.blockedUntil);
  }

  /** Takes `cost` messages at `at` (now, or a booked time). */
  take(cost: number, at: number, recoveryMs: number): void {
    this.tat = Math.max(this.tat, at) + cost * this.#intervalMs(at, recoveryMs);
  }

  /** More than half the burst spent at `now`. */
  busy(now: number, recoveryMs: number): boolean {
    return this.tat - now > (this.#limit.burst * this.#intervalMs(now, recoveryMs)) / 2;
  }

  flooded(now: number, waitMs: number, recoveryMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, now + waitMs);
    this.#peak = Math.min(MAX_SLOWDOWN, this.slowdown(now, recoveryMs) * SLOWDOWN);
    this.#floodAt = now;
  }

  idleSince(now: number, recoveryMs: number): boolean {
    return this.tat < now - IDLE_BUCKET_MS && this.blockedUntil < now && this.slowdown(now, recoveryMs) === 1;
  }
}

interface ChatBuckets {
  chat: Bucket;
  /** The minute budget of a group, supergroup or channel; null for a private chat. */
  group: Bucket | null;
}

export class FloodPacer {
  readonly #o: ResolvedPacing;
  readonly #account: Bucket;
  readonly #chats = new Map<string, ChatBuckets>();
  /** Booked slots by task idempotency key. */
  readonly #booked = new Map<string, { chatId: string; at: number }>();
  #sweptAt = Number.NEGATIVE_INFINITY;

  constructor(options: ResolvedPacing = DEFAULT_PACING) {
    this.#o = options;
    this.#account = new Bucket(options.account);
  }

  /**
   * Whether the task `key` may now send `cost` messages (one per request) to
   * `chatId` (a marked id); when it may, they are taken from the buckets.
   */
  admit(chatId: string, key: string, now: number, cost = 1): PaceVerdict {
    this.#sweep(now);
    const r = this.#o.recoveryMs;
    const chat = this.#chatOf(chatId);
    // A FLOOD_WAIT being honoured holds everything, and books nothing meanwhile.
    const blocked = this.#account.blockedUntil;
    if (blocked > now + EPSILON_MS) return { go: false, scope: 'account', waitMs: Math.ceil(blocked - now) };
    const booking = this.#booked.get(key);
    if (booking !== undefined && booking.at > now + EPSILON_MS) return { go: false, scope: 'chat', waitMs: Math.ceil(booking.at - now) };
    const chatAt = booking !== undefined ? now : Math.max(chat.chat.readyAt(cost, now, r), chat.group?.readyAt(cost, now, r) ?? now);
    if (chatAt > now + EPSILON_MS) {
      chat.chat.take(cost, chatAt, r);
      chat.group?.take(cost, chatAt, r);
      this.#booked.set(key, { chatId, at: chatAt });
      return { go: false, scope: 'chat', waitMs: Math.ceil(chatAt - now) };
    }
    const accountAt = this.#account.readyAt(cost, now, r);
    if (accountAt > now + EPSILON_MS) return { go: false, scope: 'account', waitMs: Math.ceil(accountAt - now) };
    if (booking !== undefined) {
      this.#booked.delete(key);
    } else {
      chat.chat.take(cost, now, r);
      chat.group?.take(cost, now, r);
    }
    this.#account.take(cost, now, r);
    return { go: true };
  }

  /**
   * Telegram answered a send to `chatId` with FLOOD_WAIT for `waitMs`: the
   * account sends nothing until then, and the bucket to blame slows down.
   * Returns which one that was.
   */
  flooded(chatId: string, waitMs: number, now: number): 'chat' | 'account' {
    const r = this.#o.recoveryMs;
    const blamed = this.#account.busy(now, r) ? 'account' : 'chat';
    this.#account.blockedUntil = Math.max(this.#account.blockedUntil, now + waitMs);
    const chat = this.#chatOf(chatId);
    if (blamed === 'account') {
      this.#account.flooded(now, waitMs, r);
    } else {
      chat.chat.flooded(now, waitMs, r);
      chat.group?.flooded(now, waitMs, r);
    }
    return blamed;
  }

  /** How much slower than seeded the chat's and the account's buckets run now (for tests and logs). */
  slowdown(chatId: string, now: number): { chat: number; account: number } {
    return { chat: this.#chats.get(chatId)?.chat.slowdown(now, this.#o.recoveryMs) ?? 1, account: this.#account.slowdown(now, this.#o.recoveryMs) };
  }

  /** Chats with buckets held (idle ones are dropped). */
  get chats(): number {
    return this.#chats.size;
  }

  #chatOf(chatId: string): ChatBuckets {
    let chat = this.#chats.get(chatId);
    if (chat === undefined) {
      const kind = parseMarkedId(chatId)?.kind;
      chat = { chat: new Bucket(this.#o.chat), group: kind === 'chat' || kind === 'channel' ? new Bucket(this.#o.group) : null };
      this.#chats.set(chatId, chat);
    }
    return chat;
  }

  #sweep(now: number): void {
    if (now - this.#sweptAt < SWEEP_EVERY_MS) return;
    this.#sweptAt = now;
    for (const [key, booking] of this.#booked) if (booking.at < now - RESERVATION_TTL_MS) this.#booked.delete(key);
    const r = this.#o.recoveryMs;
    const bookedChats = new Set([...this.#booked.values()].map((b) => b.chatId));
    for (const [chatId, chat] of this.#chats) {
      if (!bookedChats.has(chatId) && chat.chat.idleSince(now, r) && (chat.group?.idleSince(now, r) ?? true)) this.#chats.delete(chatId);
    }
  }
}

/** What the forwarding queue is told when the pacer turns a send away (dispatcher.ts holds the pair, or the account, that long). */
export function pacedResult(verdict: Extract<PaceVerdict, { go: false }>, chatId: string): SendResult {
  const where = verdict.scope === 'chat' ? `chat ${chatId} is at its send pace` : 'the account is at its send pace';
  return { ok: false, kind: 'flood_wait', message: `${where}: next slot in ${verdict.waitMs} ms`, retryAfterMs: verdict.waitMs, scope: verdict.scope, paced: true };
}
