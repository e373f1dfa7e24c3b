/**
 * What every session actor offers, whatever the platform behind it (a
 * Telegram user session, a Discord bot, or the built-in loopback network).
 * Threads host many actors; the supervisor reaches them through comlink, so
 * every method is async and every argument structured-cloneable.
 */
import type { TelegramFileRef } from '../forwarding/message/neutral-message.ts';
import type { Tier } from '../domain/plans/plan-types.ts';
import type { ActorState } from './actor-state.ts';

export type ActorPlatform = 'telegram' | 'discord' | 'loopback';

/** Where an actor picks up after a pause or restart: the last source message forwarded per chat. */
export type ResumeCursor = Readonly<Record<string, string>>;

/** Everything an actor needs to start; secrets arrive already opened, never logged. */
export interface ActorSpec {
  /** Id of the linked account (telegram_accounts.id or discord_accounts.id). */
  actorId: string;
  userId: string;
  platform: ActorPlatform;
  tier: Tier;
  /** Session string or bot token; `loopback` ignores it. */
  credential: string;
  /** Fencing token of the lease this start runs under; sends carry it so a stale copy is refused. */
  fencingToken: number;
  /**
   * OTP restart type. `permanent`: restarted whenever it fails or stops on its
   * own (linked accounts). `transient`: restarted only after a failure (a
   * catch-up run). `temporary`: never restarted (a one-off login flow).
   * Default `permanent`.
   */
  restart?: RestartType;
}

export type RestartType = 'permanent' | 'transient' | 'temporary';

/** A unit of forwarding work handed to the actor that owns the sending account. */
export interface SendTask {
  taskId: string;
  idempotencyKey: string;
  pairId: string;
  op: 'send' | 'edit' | 'delete';
  chatId: string;
  /** A Telegram forum topic to post in (the id of the message that opened it). Default: none, the chat itself (General in a forum). */
  topicId?: string;
  /** Destination message ids an edit or delete applies to. */
  targetMessageIds?: string[];
  /**
   * For a send split in parts: the ids of the parts an earlier attempt
   * already posted, in order. The send resumes at the next part and
   * reports them first. Default: none.
   */
  sentPartIds?: string[];
  /**
   * Open a topic (Telegram forum) or thread (Discord channel) in `chatId`
   * with this title and post there; the result names it in `openedTopicId`,
   * failed or not. Default: post where `chatId` and `topicId` say.
   */
  openTopic?: {
    title: string;
    /**
     * When the message was accepted, ms since the epoch: a Discord thread
     * this account opened under this title since then is taken as one an
     * earlier attempt opened and whose answer was lost. Default: none, a new
     * one is opened.
     */
    since?: number;
  };
  payload: unknown;
}

/**
 * Something the pair's owner should know about how its messages are
 * delivered (e.g. `forwards_restricted`: copied because the source chat
 * protects its content); the supervisor shows the latest on the pair.
 */
export interface SendNotice {
  code: string;
  message: string;
}

export type SendResult =
  | {
    ok: true; destinationMessageIds: string[]; notice?: SendNotice;
    /** The topic or thread `openTopic` opened (a Telegram topic id, a Discord thread id). */
    openedTopicId?: string;
  }
  | {
    ok: false; kind: 'transient' | 'permanent' | 'flood_wait' | 'revoked'; message: string; retryAfterMs?: number; notice?: SendNotice;
    /** For `flood_wait`, what waits: every task of the sending account (`account`, the default), or only this task's pair (`chat`: its destination is busy). */
    scope?: 'account' | 'chat';
    /** For `flood_wait`: the actor's own pacing handed the send back before it reached the platform; not a failed attempt. Default false. */
    paced?: boolean;
    /** A send split in parts that failed part-way: the ids of the parts posted so far (with `sentPartIds`), for the retry to resume after. */
    sentPartIds?: string[];
    /** The topic or thread `openTopic` opened before the send failed: the retry posts there. */
    openedTopicId?: string;
    /**
     * The destination holds posts only (a Discord forum or media channel):
     * nothing was sent; send again with `openTopic`, or into the post
     * opened earlier. Default false.
     */
    needsTopic?: boolean;
  };

/** What `health()` reports; the supervisor also measures the thread around it. */
export interface ActorHealth {
  state: ActorState;
  connected: boolean;
  /** ms since epoch of the last forwarded or received message. */
  lastActivityAt: number;
  /** Bytes the actor itself tracks: caches, buffers, in-flight payloads (see actors/heap-attribution.ts). */
  trackedBytes: number;
  inFlight: number;
}

/**
 * A piece of a file the actor's account can read (a Telegram file another
 * platform needs the bytes of), asked by the supervisor's file relay.
 */
export interface FileRead {
  ref: TelegramFileRef;
  /** The chat it was seen in (marked id): an expired reference is renewed from its message there. */
  chatId: string;
  offset: number;
  limit: number;
}

export type FilePiece =
  /** The bytes (fewer than `limit`, or none, at the end); `ref` when the reference was renewed, for the next pieces. */
  | { bytes: Uint8Array; ref?: TelegramFileRef }
  /** The account cannot read the file (deleted, another account's, a platform with no files to read). */
  | { gone: string };

/** The contract; see actor-state.ts for which call is legal in which state. */
export interface SessionActor {
  start(spec: ActorSpec): Promise<void>;
  /** Disconnect and drop caches, keeping the cursor to resume from. */
  pause(): Promise<ResumeCursor>;
  /** Reconnect and catch up from `cursor`. */
  resume(cursor: ResumeCursor): Promise<void>;
  /** Go quiet: drop caches, keep the connection. */
  idle(): Promise<void>;
  stop(): Promise<ResumeCursor>;
  send(task: SendTask): Promise<SendResult>;
  /** A piece of a file this account can read; rejects while not connected (try again later). */
  readFile(read: FileRead): Promise<FilePiece>;
  /** The title of a forum topic in a chat this account reads; null when the platform has none or the topic is gone; rejects while not connected. */
  topicTitle(chatId: string, topicId: string): Promise<string | null>;
  /** Fresh links for expiring attachment links of messages this account reads, by original; rejects while not connected. */
  refreshLinks(urls: readonly string[]): Promise<Record<string, string>>;
  health(): Promise<ActorHealth>;
}
