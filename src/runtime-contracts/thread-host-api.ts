/**
 * The interface of one thread host: a long-lived piscina task that runs many
 * session actors in its thread. The worker process reaches it with comlink
 * over `rpcPort`; the host reports what happens on its own over `eventPort`.
 */
import type { ActorHealth, ActorSpec, FilePiece, FileRead, ResumeCursor, SendResult, SendTask } from './actor-contract.ts';
import type { ActorState } from './actor-state.ts';
import type { InboundMessage, SourceNotice } from './inbound-message.ts';
import type { LoopbackRuntimeOptions, TelegramRuntimeOptions } from './platform-options.ts';

/** Loopback platform settings of a thread (defaults in loopback-runtime.ts), plus how often its poller reads. */
export interface LoopbackHostOptions extends LoopbackRuntimeOptions {
  /** ms between two reads of every watched chat (one XREAD for the thread). Default 100. */
  pollIntervalMs?: number;
}
import type { MessagePort } from 'node:worker_threads';

/** What every thread host of a worker runs with; the worker passes on its own (worker-protocol.ts WorkerOptions). */
export interface ThreadSettings {
  workerId: string;
  /** Redis for leases and the loopback network: URL and key prefix. */
  redisUrl: string | null;
  redisKeyPrefix: string;
  /** Lease timing, so an actor that cannot renew stops before its lease ends. */
  leaseTtlMs: number;
  leaseRenewMs: number;
  /**
   * Loopback platform settings; absent: loopback-runtime.ts defaults, except
   * `connectionTtlMs`, which defaults to min(1 500, 3/4 of the lease stop
   * margin) so a dead thread's connections expire before its leases could be taken.
   */
  loopback?: LoopbackHostOptions;
  /** Discord REST base (discord.js `rest.api`, `DISCORD_API_URL`); absent: `https://discord.com/api`. */
  discordApiUrl?: string;
  /** Invalid Discord requests the host may make within 10 minutes (discord-runtime.ts `invalidRequestLimit`); absent: 2,500. */
  discordInvalidRequestLimit?: number;
  /**
   * Telegram endpoint (api id and hash, optional stand-in server and its PEM
   * public keys as strings) and timings (telegram-runtime.ts); absent:
   * Telegram is not configured and telegram actors are refused.
   */
  telegram?: TelegramRuntimeOptions;
}

/** What the piscina task receives (ports are transferred). */
export interface ThreadHostInit extends ThreadSettings {
  threadIndex: number;
  rpcPort: MessagePort;
  eventPort: MessagePort;
}

/** One thread's measured memory and what each actor says it holds. */
export interface ThreadMeasurement {
  threadIndex: number;
  /** V8 used heap of this thread's isolate. */
  heapUsedBytes: number;
  /** Memory outside the V8 heap owned by JS objects (Buffers...). */
  externalBytes: number;
  /**
   * The thread's own cost before any actor ran: heap used + external, after a
   * full GC, once its host was set up (runtime, modules, Redis client). The
   * worker splits it evenly among the actors before attributing the rest in
   * proportion to what they report, so a big actor is not also charged for
   * the thread's fixed cost.
   */
  fixedBytes: number;
  actors: Array<{ actorId: string; trackedBytes: number; baseBytes: number }>;
}

/** How carefully to measure a thread. */
export interface MeasureOptions {
  /**
   * Run a full garbage collection first, so the figures hold live memory
   * only. Costs one mark-compact per thread, which pauses that thread's actors
   * (a few ms per 10 MB of live heap). Default false: no pause, but the used
   * heap includes garbage not yet collected, which attribution then spreads
   * in proportion, mostly onto the actors that hold the most.
   */
  settle?: boolean;
}

/**
 * The calls on one running actor, the same through a worker (worker-protocol.ts)
 * as through its thread host: the worker passes each to the thread the actor runs in.
 */
export interface ActorCalls {
  stopActor(actorId: string): Promise<ResumeCursor>;
  pauseActor(actorId: string): Promise<ResumeCursor>;
  resumeActor(actorId: string, cursor: ResumeCursor): Promise<ActorState>;
  idleActor(actorId: string): Promise<void>;
  /**
   * Sets the chats the actor receives messages from (replacing the previous
   * list; kept across pause and resume). Returns the actor's cursor after it,
   * with a position for each newly watched chat, so a restart catches up from
   * where watching began; the worker keeps both, to restore after a thread restart.
   */
  watch(actorId: string, chatIds: string[]): Promise<ResumeCursor>;
  send(actorId: string, task: SendTask): Promise<SendResult>;
  /** A piece of a file the actor's account can read (the file relay's source). */
  readFile(actorId: string, read: FileRead): Promise<FilePiece>;
  /** A forum topic's title in a chat the actor's account reads (a pair mapping topics opens its copy with it). */
  topicTitle(actorId: string, chatId: string, topicId: string): Promise<string | null>;
  /** Fresh links for expiring attachment links the actor's account can renew (Discord's CDN), by original. */
  refreshLinks(actorId: string, urls: string[]): Promise<Record<string, string>>;
  /** One actor's own health report (the admin detail view, latency probes). */
  health(actorId: string): Promise<ActorHealth>;
}

export interface ThreadHostApi extends ActorCalls {
  startActor(spec: ActorSpec, cursor: ResumeCursor | null): Promise<ActorState>;
  healthAll(): Promise<Array<{ actorId: string } & ActorHealth>>;
  /** See {@link MeasureOptions}; without options, the cheap figure (garbage not yet collected included). */
  measure(options?: MeasureOptions): Promise<ThreadMeasurement>;
  /** Stops every actor (checkpointing cursors) and ends the piscina task. */
  shutdown(): Promise<Record<string, ResumeCursor>>;
}

/** What a thread host reports without being asked. */
export type ThreadEvent =
  | { type: 'actor_state'; actorId: string; from: ActorState; to: ActorState; reason?: string }
  | { type: 'lease_lost'; actorId: string }
  | { type: 'inbound'; actorId: string; message: InboundMessage }
  /** Cursor entries beyond chat positions (see PlatformCallbacks.onPositions), after the inbound messages they cover. */
  | { type: 'positions'; actorId: string; positions: ResumeCursor }
  | { type: 'notice'; actorId: string; notice: SourceNotice };
