/**
 * The contract between the supervisor and one worker process. The supervisor
 * calls {@link WorkerApi} with comlink over the child's IPC channel; the
 * worker reports {@link WorkerEvent}s on the same channel without being asked.
 */
import type { ActorHealth, ActorSpec, FilePiece, FileRead, ResumeCursor, SendResult, SendTask } from './actor-contract.ts';
import type { ActorState } from './actor-state.ts';
import type { LoopbackHostOptions, MeasureOptions, ThreadEvent } from './thread-host-api.ts';
import type { TelegramRuntimeOptions } from './platform-options.ts';
import type { Tier } from '../domain/plans/plan-types.ts';

/** Settings a worker process starts with (passed as JSON in SB_WORKER_OPTIONS). */
export interface WorkerOptions {
  workerId: string;
  /** Threads in the worker's piscina pool. */
  threads: number;
  /** Hard cap of each thread's old generation, in MB (piscina `resourceLimits`). */
  threadMaxOldGenerationMb: number;
  /** Dead threads tolerated within `restartPeriodMs` before the worker gives up and exits. */
  threadRestartIntensity: number;
  restartPeriodMs: number;
  redisUrl: string | null;
  redisKeyPrefix: string;
  leaseTtlMs: number;
  leaseRenewMs: number;
  /** Loopback platform settings of every thread; absent: the defaults thread-host-api.ts describes. */
  loopback?: LoopbackHostOptions;
  /** Discord REST base of every thread (`DISCORD_API_URL`); absent: `https://discord.com/api`. */
  discordApiUrl?: string;
  /** Invalid Discord requests the host's threads may make within 10 minutes (thread-host-api.ts); absent: 2,500. */
  discordInvalidRequestLimit?: number;
  /**
   * Telegram endpoint (api id and hash, optional stand-in server and its PEM
   * public keys as strings) and timings of every thread; absent: Telegram is
   * not configured and telegram actors are refused.
   */
  telegram?: TelegramRuntimeOptions;
}

export interface WorkerActorStatus {
  actorId: string;
  userId: string;
  tier: Tier;
  threadIndex: number;
  state: ActorState;
  /** Bytes attributed to this actor by supervisor/policy/heap-attribution.ts. */
  memoryBytes: number;
  trackedBytes: number;
  lastActivityAt: number;
  inFlight: number;
}

export interface WorkerThreadStatus {
  threadIndex: number;
  heapUsedBytes: number;
  externalBytes: number;
  actors: number;
  restarts: number;
}

export interface WorkerStatus {
  workerId: string;
  pid: number;
  rssBytes: number;
  /** CPU the worker process used since its previous status, % of one core. */
  cpuPercent: number;
  threads: WorkerThreadStatus[];
  actors: WorkerActorStatus[];
}

export interface WorkerApi {
  startActor(spec: ActorSpec, cursor: ResumeCursor | null): Promise<{ threadIndex: number; state: ActorState }>;
  stopActor(actorId: string): Promise<ResumeCursor>;
  pauseActor(actorId: string): Promise<ResumeCursor>;
  resumeActor(actorId: string, cursor: ResumeCursor): Promise<ActorState>;
  idleActor(actorId: string): Promise<void>;
  /**
   * Sets the chats the actor receives messages from; the worker remembers
   * them, and the returned cursor, to restore after a thread restart.
   */
  watch(actorId: string, chatIds: string[]): Promise<ResumeCursor>;
  send(actorId: string, task: SendTask): Promise<SendResult>;
  /** A piece of a file the actor's account can read (the file relay's source). */
  readFile(actorId: string, read: FileRead): Promise<FilePiece>;
  /** A forum topic's title in a chat the actor's account reads (a pair mapping topics opens its copy with it). */
  topicTitle(actorId: string, chatId: string, topicId: string): Promise<string | null>;
  /** Fresh links for expiring attachment links the actor's account can renew (Discord's CDN), by original. */
  refreshLinks(actorId: string, urls: string[]): Promise<Record<string, string>>;
  /**
   * Measures every thread and attributes its memory to its actors. Pass
   * `{ settle: true }` (see MeasureOptions) for live memory only, e.g. before
   * choosing which actor to shed; the default is cheap enough for every tick.
   */
  status(options?: MeasureOptions): Promise<WorkerStatus>;
  /** One actor's own health report (the admin detail view, latency probes). */
  health(actorId: string): Promise<ActorHealth>;
  /** Calls health() on every running actor; reconnects the silent, restarts the dead. */
  healthCheck(): Promise<{ checked: number; reconnected: string[]; restarted: string[] }>;
  /** Stops every actor (cursors checkpointed), then the pool. */
  shutdown(): Promise<Record<string, ResumeCursor>>;
}

export type WorkerEvent =
  | (ThreadEvent & { workerId: string; threadIndex: number })
  | { type: 'thread_died'; workerId: string; threadIndex: number; error: string; actorIds: string[] }
  | { type: 'thread_restarted'; workerId: string; threadIndex: number; actorIds: string[] }
  | { type: 'escalate'; workerId: string; reason: string };
