/**
 * What a session actor needs from a chat platform. Each platform (loopback,
 * Telegram via gramjs, Discord via discord.js) implements this once; the
 * actor runtime, leases and heap accounting stay platform-neutral.
 */
import type { FilePiece, FileRead, ResumeCursor, SendResult, SendTask } from '../../src/runtime-contracts/actor-contract.ts';
import type { InboundMessage, SourceNotice } from '../../src/runtime-contracts/inbound-message.ts';

/** Calls the client makes into its actor. */
export interface PlatformCallbacks {
  onMessage(message: InboundMessage): void;
  /**
   * Positions reached once every message reported before this call: kept
   * with the cursor, moved only after those messages are accepted. Telegram
   * reports its update state (keys no chat id takes); Discord reports where
   * a newly watched chat starts, so a restart before its first message reads
   * what came meanwhile instead of starting at the newest again. Optional.
   */
  onPositions?(positions: ResumeCursor): void;
  /** A notice about watched chats, for their pairs. Optional. */
  onNotice?(notice: SourceNotice): void;
  /** The platform dropped the connection; the actor decides whether to reconnect. */
  onDisconnect(reason: string): void;
  /** The platform rejected the credentials: the actor goes `revoked` and is never restarted. */
  onCredentialsRejected(reason: string): void;
}

export interface PlatformClient {
  /** Connects and, with a cursor, catches up on what arrived after it. */
  connect(cursor: ResumeCursor | null): Promise<void>;
  disconnect(): Promise<void>;
  /** Drops caches but keeps the connection (the actor's `idle`). */
  dropCaches(): void;
  send(task: SendTask): Promise<SendResult>;
  /** A piece of a file the account can read. Optional: platforms whose files have URLs never get asked. */
  readFile?(read: FileRead): Promise<FilePiece>;
  /** A forum topic's title in a chat the account reads; null when gone. Optional: platforms without topics never get asked. */
  topicTitle?(chatId: string, topicId: string): Promise<string | null>;
  /**
   * Fresh links for attachment links the platform signs with an expiry
   * (Discord's CDN), by original link; links it cannot renew are left out.
   * Optional: platforms whose files need no renewal never get asked.
   */
  refreshLinks?(urls: readonly string[]): Promise<Record<string, string>>;
  /** Chats to watch for inbound messages (sources of the owner's pairs). */
  watch(chatIds: readonly string[]): Promise<void>;
  /** Bytes this client holds in caches, buffers and in-flight payloads, as it tracks them. */
  trackedBytes(): number;
  /** Where to resume from: last message seen per watched chat. */
  cursor(): ResumeCursor;
  /** Liveness probe for the health check; false means reconnect. */
  ping(): Promise<boolean>;
}

/** Makes a client for one account; `credential` is the opened session string or token. */
export type PlatformClientFactory = (
  spec: { actorId: string; userId: string; credential: string; connectionId: string },
  callbacks: PlatformCallbacks,
) => PlatformClient;
