/**
 * The contract between the supervisor and one worker process. The supervisor
 * calls {@link WorkerApi} with comlink over the child's IPC channel; the
 * worker reports {@link WorkerEvent}s on the same channel without being asked.
 */
import type { ActorSpec, ResumeCursor } from './actor-contract.ts';
import type { ActorState } from './actor-state.ts';
import type { ActorCalls, MeasureOptions, ThreadEvent, ThreadSettings } from './thread-host-api.ts';
import type { Tier } from '../domain/plans/plan-types.ts';

/** Settings a worker process starts with (passed as JSON in SB_WORKER_OPTIONS); its threads run with the {@link ThreadSettings} among them. */
export interface WorkerOptions extends ThreadSettings {
  /** Threads in the worker's piscina pool. */
  threads: number;
  /** Hard cap of each thread's old generation, in MB (piscina `resourceLimits`). */
  threadMaxOldGenerationMb: number;
  /** Dead threads tolerated within `restartPeriodMs` before the worker gives up and exits. */
  threadRestartIntensity: number;
  restartPeriodMs: number;
}

export interface WorkerActorStatus {
  actorId: string;
  userId: string;
  tier: Tier;
  threadIndex: number;
  state: ActorState;
  /** Bytes attributed to this actor by actors/heap-attribution.ts. */
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

export interface WorkerApi extends ActorCalls {
  startActor(spec: ActorSpec, cursor: ResumeCursor | null): Promise<{ threadIndex: number; state: ActorState }>;
  /**
   * Measures every thread and attributes its memory to its actors. Pass
   * `{ settle: true }` (see MeasureOptions) for live memory only, e.g. before
   * choosing which actor to shed; the default is cheap enough for every tick.
   */
  status(options?: MeasureOptions): Promise<WorkerStatus>;
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
