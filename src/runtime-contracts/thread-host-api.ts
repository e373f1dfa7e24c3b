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

/** What the piscina task receives (ports are transferred). */
export interface ThreadHostInit {
  threadIndex: number;
  workerId: string;
  rpcPort: MessagePort;
  eventPort: MessagePort;
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
  /** Discord REST base (discord.js `rest.api`); absent: `https://discord.com/api`. */
  discordApiUrl?: string;
  /** Invalid Discord requests the host may make within 10 minutes (discord-runtime.ts `invalidRequestLimit`); absent: 2,500. */
  discordInvalidRequestLimit?: number;
  /** Telegram endpoint and timings (telegram-runtime.ts); absent: the thread runs no Telegram sessions. */
  telegram?: TelegramRuntimeOptions;
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

export interface ThreadHostApi {
  startActor(spec: ActorSpec, cursor: ResumeCursor | null): Promise<ActorState>;
  stopActor(actorId: string): Promise<ResumeCursor>;
  pauseActor(actorId: string): Promise<ResumeCursor>;
  resumeActor(actorId: string, cursor: ResumeCursor): Promise<ActorState>;
  idleActor(actorId: string): Promise<void>;
  /**
   * Sets the chats the actor receives messages from (replacing the previous
   * list; kept across pause and resume). Returns the actor's cursor after it,
   * with a position for each newly watched chat, so a restart catches up from
   * where watching began.
   */
  watch(actorId: string, chatIds: string[]): Promise<ResumeCursor>;
  send(actorId: string, task: SendTask): Promise<SendResult>;
  readFile(actorId: string, read: FileRead): Promise<FilePiece>;
  topicTitle(actorId: string, chatId: string, topicId: string): Promise<string | null>;
  refreshLinks(actorId: string, urls: string[]): Promise<Record<string, string>>;
  health(actorId: string): Promise<ActorHealth>;
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
