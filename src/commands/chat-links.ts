/**
 * Chat identities tied to Switchboard users: the codes the dashboard hands
 * out (`POST /v1/me/chat-links`), their redemption by `/link CODE` in a chat
 * with the control bot, and the links themselves (`chat_links`). A code
 * lives in Redis for `codeTtlMs`, one per user (a new one replaces the
 * last), and is used once: taken and deleted in one step, so two chats
 * racing with one code cannot both win. Wrong codes count against the chat
 * identity, which is refused for a while after a few.
 */
import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import { recordAudit } from '../api/audit/record-audit.ts';
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { ChatLink, type IChatLink } from '../db/entities/chat-link.ts';
import type { Platform } from '../db/entities/forwarding-pair.ts';
import { ChatAlreadyLinkedError, ChatLinkCodeInvalidError, ChatLinkNotFoundError } from '../errors/registry.ts';
import { toRateLimited } from '../api/rate-limit/rate-limited.ts';
import { checkOptionsObject, checkPositiveInteger } from '../options/option-checks.ts';
import { newLinkCode, normalizeLinkCode } from './link-code.ts';

/** Who is chatting with the bot, as the platform names them. */
export interface ChatIdentity {
  platform: Platform;
  /** The platform's user id (Telegram user id, Discord user snowflake). */
  chatUserId: string;
  displayName?: string;
}

export interface ChatLinksOptions {
  /** How long a code stays valid, in ms. Default 600,000 (10 minutes). */
  codeTtlMs?: number;
  /** Wrong codes one chat identity may try per `failureWindowSeconds`. Default 5. */
  maxFailures?: number;
  /** Default 900 (15 minutes). */
  failureWindowSeconds?: number;
}

/** Issues a code for a user, replacing the one they had: KEYS code key, user key; ARGV old-code key prefix, user id, code, ttl. */
const ISSUE = `
local old = redis.call('GET', KEYS[2])
if old then redis.call('DEL', ARGV[1] .. old) end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
return 1`;

/** Takes a code: its user id, and the code gone (with the user's pointer to it); nil when unknown. */
const TAKE = `
local user = redis.call('GET', KEYS[1])
if not user then return nil end
redis.call('DEL', KEYS[1])
local userKey = ARGV[1] .. user
if redis.call('GET', userKey) == ARGV[2] then redis.call('DEL', userKey) end
return user`;

const CODE_KEY = 'chatlink:code:';
const USER_KEY = 'chatlink:user:';

export class ChatLinks {
  readonly #orm: MikroORM;
  readonly #redis: Redis;
  readonly #ttlMs: number;
  readonly #failures: RateLimiterRedis;
  /** The client's own key prefix: keys built inside Lua do not get it. */
  readonly #prefix: string;

  constructor(orm: MikroORM, redis: Redis, options: ChatLinksOptions = {}) {
    const o = checkOptionsObject(options) as ChatLinksOptions;
    this.#ttlMs = checkPositiveInteger('codeTtlMs', o.codeTtlMs ?? 600_000);
    const points = checkPositiveInteger('maxFailures', o.maxFailures ?? 5);
    const duration = checkPositiveInteger('failureWindowSeconds', o.failureWindowSeconds ?? 900);
    this.#orm = orm;
    this.#redis = redis;
    this.#prefix = redis.options.keyPrefix ?? '';
    this.#failures = new RateLimiterRedis({ storeClient: redis, keyPrefix: 'rl:chat-link', points, duration });
  }

  /** A new code for `userId` (the last one stops working), and when it expires. */
  async issueCode(userId: string, now = Date.now()): Promise<{ code: string; expiresAt: Date }> {
    const code = newLinkCode();
    const stored = normalizeLinkCode(code)!;
    await this.#redis.eval(ISSUE, 2, CODE_KEY + stored, USER_KEY + userId, this.#prefix + CODE_KEY, userId, stored, String(this.#ttlMs));
    return { code, expiresAt: new Date(now + this.#ttlMs) };
  }

  /**
   * Ties the chat identity to the code's user. The same identity linking to
   * the same user again is fine; one tied to another user is refused (the
   * code is spent either way). Throws `chat_link_code_invalid`,
   * `chat_already_linked`, or `rate_limited` after too many wrong codes.
   */
  async redeem(identity: ChatIdentity, typedCode: string): Promise<IChatLink> {
    const who = `${identity.platform}:${identity.chatUserId}`;
    const blocked = await this.#failures.get(who);
    if (blocked !== null && blocked.remainingPoints <= 0) throw toRateLimited(blocked, 'chat_link');
    const code = normalizeLinkCode(typedCode);
    const userId = code === null ? null : await this.#redis.eval(TAKE, 1, CODE_KEY + code, this.#prefix + USER_KEY, code) as string | null;
    if (userId === null) {
      await this.#failures.consume(who).catch((err: unknown) => { throw toRateLimited(err, 'chat_link'); });
      throw new ChatLinkCodeInvalidError({});
    }
    const em = this.#orm.em.fork();
    const link = em.create(ChatLink, { user: userId, platform: identity.platform, chatUserId: identity.chatUserId, displayName: identity.displayName ?? null });
    // Who may act as the user through the bot is a security fact: it is recorded with the link, in one commit.
    recordAudit(em, {
      action: 'chat_link.created', actorUserId: userId, targetType: 'chat_link', targetId: link.id, ip: null,
      after: { platform: identity.platform, chatUserId: identity.chatUserId },
    });
    try {
      await em.flush();
      return link;
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
    }
    const existing = await this.#orm.em.fork().findOne(ChatLink, { platform: identity.platform, chatUserId: identity.chatUserId });
    if (existing === null || existing.user.id !== userId) throw new ChatAlreadyLinkedError({ platform: identity.platform });
    return existing;
  }

  /** The user a chat identity is tied to; null when it is not linked. */
  async userOf(platform: Platform, chatUserId: string): Promise<string | null> {
    const link = await this.#orm.em.fork().findOne(ChatLink, { platform, chatUserId }, { fields: ['user'] });
    return link?.user.id ?? null;
  }

  /** The user's linked chat identities, oldest first. */
  async list(userId: string): Promise<IChatLink[]> {
    return this.#orm.em.fork().find(ChatLink, { user: userId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /** Removes one of the user's links (from the API, `ip` its caller's); `chat_link_not_found` for another user's or an unknown id. */
  async remove(userId: string, chatLinkId: string, ip: string | null): Promise<IChatLink> {
    const em = this.#orm.em.fork();
    const link = await em.findOne(ChatLink, { id: chatLinkId, user: userId });
    if (link === null) throw new ChatLinkNotFoundError({ chatLinkId });
    this.#removeIn(em, link, ip);
    await em.flush();
    return link;
  }

  /** `/unlink` from the chat itself; false when the identity was not linked. */
  async unlink(platform: Platform, chatUserId: string): Promise<boolean> {
    const em = this.#orm.em.fork();
    const link = await em.findOne(ChatLink, { platform, chatUserId });
    if (link === null) return false;
    this.#removeIn(em, link, null);
    await em.flush();
    return true;
  }

  #removeIn(em: EntityManager, link: IChatLink, ip: string | null): void {
    em.remove(link);
    recordAudit(em, {
      action: 'chat_link.removed', actorUserId: link.user.id, targetType: 'chat_link', targetId: link.id, ip,
      after: { platform: link.platform, chatUserId: link.chatUserId },
    });
  }
}
