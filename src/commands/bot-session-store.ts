/**
 * Where the Telegram control bot keeps its MTProto session between starts:
 * in Redis, sealed with the keyring (AES-256-GCM, key id in the envelope,
 * bound to this key) like every other session string at rest. Without it,
 * every start logs the bot in anew (auth.importBotAuthorization): a new
 * authorization each time, and a crash loop under pm2 would run into
 * Telegram's flood limits on bot logins. A value that no longer opens (its
 * key retired from SECRET_KEYS) counts as none: the bot logs in again.
 */
import type { Redis } from 'ioredis';
import type { Keyring } from '../crypto/keyring.ts';
import { openSecret, sealSecret } from '../crypto/secret-box.ts';

/** Where the bot's updates stood: what `updates.getDifference` starts from. */
export interface BotUpdateState {
  pts: number;
  qts: number;
  date: number;
}

export class BotSessionStore {
  readonly #redis: Redis;
  readonly #keyring: Keyring;
  readonly #key: string;

  /** `botId`: the bot's user id, the part of its token before the colon. */
  constructor(redis: Redis, keyring: Keyring, botId: string) {
    this.#redis = redis;
    this.#keyring = keyring;
    this.#key = `bot:telegram-session:${botId}`;
  }

  /** The saved session string, or null when there is none that opens. */
  async load(): Promise<string | null> {
    const sealed = await this.#redis.get(this.#key);
    if (sealed === null) return null;
    try {
      return openSecret(this.#keyring, sealed, `redis:${this.#key}`);
    } catch {
      return null;
    }
  }

  async save(session: string): Promise<void> {
    await this.#redis.set(this.#key, sealSecret(this.#keyring, session, `redis:${this.#key}`));
  }

  /** The update state saved last (no secret: counters and a time), or null. */
  async loadState(): Promise<BotUpdateState | null> {
    const raw = await this.#redis.get(`${this.#key}:state`);
    if (raw === null) return null;
    const s = JSON.parse(raw) as Partial<BotUpdateState>;
    return Number.isInteger(s.pts) && Number.isInteger(s.qts) && Number.isInteger(s.date) ? { pts: s.pts!, qts: s.qts!, date: s.date! } : null;
  }

  async saveState(state: BotUpdateState): Promise<void> {
    await this.#redis.set(`${this.#key}:state`, JSON.stringify(state));
  }
}
