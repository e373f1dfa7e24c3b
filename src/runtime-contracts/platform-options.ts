/**
 * The platform settings a supervisor hands every worker and thread it
 * starts (see worker-protocol.ts): the loopback network's, Telegram's
 * endpoint and timings, and Telegram's send pacing. The runtimes in
 * actors/platform/ check them and fill in the defaults described here.
 */
import type { TelegramEndpointOptions } from '../telegram/telegram-endpoint.ts';

/** Settings of the loopback network of one thread (actors/platform/loopback/loopback-runtime.ts). */
export interface LoopbackRuntimeOptions {
  /**
   * TTL of a client's connection from its connect or last heartbeat, ms
   * (heartbeat every third of it). Under leases it must not exceed the
   * lease's `stopMarginMs` minus the worst request delay, so that a killed
   * holder's lingering connection expires before its lease can be taken.
   * Default 1 500 (leases default to a 2 000 ms margin).
   */
  connectionTtlMs?: number;
  /** Per-client message cache bound, bytes as `MessageCache` counts them. Default 65 536. */
  cacheMaxBytes?: number;
  /** Per-client message cache bound, entries. Default 256. */
  cacheMaxEntries?: number;
  /** Messages read per chat per poller tick. Default 100. */
  pollCountPerChat?: number;
  /** Approximate cap on messages kept per chat stream. Default 10 000. */
  chatMaxLen?: number;
}

/** What the Telegram clients of one thread share (actors/platform/telegram/telegram-runtime.ts). */
export interface TelegramRuntimeOptions {
  /** The application (api id and hash) and, for tests and demos, the one server standing in for Telegram. Required. */
  endpoint?: TelegramEndpointOptions;
  /**
   * How long a connection may go without receiving anything (an update, an
   * answer) before the watchdog probes it with `updates.getState`, ms. A
   * probe unanswered within `probeTimeoutMs` marks the connection a zombie:
   * it is closed and opened anew, and the difference since the last known
   * state is fetched; one refused with a terminal error ends the session.
   * Default 60 000.
   */
  silenceMs?: number;
  /** How long the watchdog's probe waits for its answer, ms. Default 10 000. */
  probeTimeoutMs?: number;
  /**
   * How long a connection may go without asking Telegram anything, even
   * while updates arrive, before the watchdog probes it, ms: Telegram stops
   * pushing updates to a session that makes no requests, and the probe's
   * answer also shows updates the server held back. Default 1 800 000
   * (30 minutes, as gramjs).
   */
  keepAliveMs?: number;
  /** How long opening a connection (transport and first answer) may take, ms. Default 20 000. */
  connectTimeoutMs?: number;
  /** How long one request (a send, a history page, a difference) waits for its answer, ms. Default 20 000. */
  requestTimeoutMs?: number;
  /** Attempts gramjs makes to open a connection, at a second apart, before the connect fails. Default 3. */
  connectionRetries?: number;
  /**
   * Peers a client keeps access hashes and names of beyond its watched chats
   * (destinations it sends to, authors it saw), most recent first. Default 64.
   */
  peerCacheSize?: number;
  /**
   * Dialog pages (100 dialogs each) a client reads at most, per connect, to
   * find the access hash of a chat it was asked to watch or send to. Default 10.
   */
  dialogPages?: number;
  /**
   * How fast each account sends, per chat, per group and overall, before
   * Telegram says otherwise (pacing-options.ts). Default: Telegram's
   * documented limits less a margin (about 1/s per chat, 18/min per group, 27/s per account).
   */
  pacing?: PacingOptions;
  /**
   * Largest file uploaded to Telegram, bytes; a larger one is sent as a
   * link with its name and size. Default 2 097 152 000 (Telegram's 2 GB for
   * accounts without Premium: 4 000 parts of 512 KB). No plan limits file
   * sizes, so this is the only limit.
   */
  uploadLimitBytes?: number;
  /** How long downloading one file from its source may take before the send is retried, ms. Default 300 000. */
  downloadTimeoutMs?: number;
}

/** How fast a Telegram account sends (actors/platform/telegram/pacing-options.ts has the reasons behind the defaults). */
/** A token bucket: `burst` messages at once, refilled at `perSecond`. */
export interface PaceLimit {
  burst: number;
  perSecond: number;
}

export interface PacingOptions {
  /** Any one chat. Default `{ burst: 2, perSecond: 0.9 }` (Telegram: about 1 a second). */
  chat?: PaceLimit;
  /** A basic group, supergroup or channel, on top of `chat`. Default `{ burst: 18, perSecond: 0.3 }` (Telegram: about 20 a minute). */
  group?: PaceLimit;
  /** Everything the account sends. Default `{ burst: 25, perSecond: 27 }` (Telegram: about 30 a second). */
  account?: PaceLimit;
  /**
   * After a FLOOD_WAIT the bucket it is blamed on runs slower (half its
   * pace, down to an eighth after repeated ones), and recovers its seeded
   * pace evenly over this long, ms. Default 600 000 (10 minutes).
   */
  recoveryMs?: number;
}
