/**
 * What a supervisor publishes about itself every second (Redis key
 * `supervisor:<id>:snapshot`, expiring when it stops publishing), and what the
 * CLI and the admin API read. Plain JSON: no class instances, no Maps.
 */
import type { ActorPlatform } from '../runtime-contracts/actor-contract.ts';
import type { ActorState } from '../runtime-contracts/actor-state.ts';
import type { WorkerThreadStatus } from '../runtime-contracts/worker-protocol.ts';
import type { Tier } from '../domain/plans/plan-types.ts';
import type { SchedulerMetrics } from '../scheduler/core/scheduler-metrics.ts';

export type WorkerLifecycle = 'starting' | 'running' | 'draining' | 'stopping';

export interface WorkerSnapshot {
  workerId: string;
  pid: number;
  state: WorkerLifecycle;
  rssBytes: number;
  /** CPU the worker used over the last status interval, % of one core; absent from older supervisors. */
  cpuPercent?: number;
  sessions: number;
  sessionLimit: number;
  ramCapBytes: number;
  /** Times this worker slot was restarted after a crash. */
  restarts: number;
  threads: WorkerThreadStatus[];
}

/** `queued`: waiting for a place (every worker full) or for a lease another holder still has. */
export type SessionState = ActorState | 'queued';

export interface SessionSnapshot {
  actorId: string;
  userId: string;
  tier: Tier;
  platform: ActorPlatform;
  workerId: string | null;
  threadIndex: number | null;
  state: SessionState;
  memoryBytes: number;
  lastActivityAt: number;
  /** Why a paused session is paused. */
  pausedBy: 'pressure' | 'admin' | null;
  /** Why a queued session waits. */
  queuedReason: string | null;
}

export interface SupervisorSnapshot {
  supervisorId: string;
  pid: number;
  hostname: string;
  startedAt: number;
  publishedAt: number;
  host: { totalBytes: number; availableBytes: number; usedFraction: number };
  /** CPU the supervisor process itself used since its previous snapshot, % of one core; absent from older supervisors. */
  cpuPercent?: number;
  pressure: { highWatermark: number; lowWatermark: number; pauseElite: boolean };
  workers: WorkerSnapshot[];
  sessions: SessionSnapshot[];
  /** The forwarding queue's figures; null when this supervisor runs none. */
  queue: SchedulerMetrics | null;
  /**
   * Redis as this supervisor sees it. A snapshot is published through Redis,
   * so a stall shows here only once it is over (`lastStall`); while it lasts,
   * ask the supervisor's own `/health`. Absent from supervisors older than it.
   */
  redis?: RedisHealth;
  /**
   * Its share of the linked accounts among the supervisors it sees live
   * (README "Several hosts"). Null when it shares none (it runs without a
   * database, or with sharing off); absent from supervisors older than it.
   */
  ownership?: OwnershipSnapshot | null;
}

/** One supervisor's share of the accounts, as it sees the cluster. */
export interface OwnershipSnapshot {
  /** Its weight among the members (SUPERVISOR_CAPACITY). */
  capacity: number;
  /** Users and their linked accounts it owns in its current view, as of its last reconcile with PostgreSQL. */
  owned: { users: number; accounts: number };
  /** Of those, the ones whose sessions run here now (running or idle). */
  running: { users: number; accounts: number };
  /** The live members as it sees them, itself included, sorted by id. */
  members: Array<{ supervisorId: string; capacity: number }>;
}

export interface RedisHealth {
  /** How long the current stall has lasted, ms; null while Redis answers. */
  stalledForMs: number | null;
  /** Stalls since this supervisor started. */
  stalls: number;
  /** The last stall that ended: when (ms since the epoch) and how long it lasted. */
  lastStall: { endedAt: number; stalledMs: number } | null;
}

/** Admin commands a supervisor takes from its command stream. */
export type AdminCommand =
  | { command: 'stop'; sessionId: string }
  | { command: 'pause'; sessionId: string }
  | { command: 'resume'; sessionId: string }
  | { command: 'reassign'; sessionId: string; toWorkerId: string }
  | { command: 'drain'; workerId: string }
  | { command: 'set-pressure'; highWatermark?: number; lowWatermark?: number; pauseElite?: boolean }
  | { command: 'dead-letters'; action: 'list'; limit?: number; offset?: number }
  | { command: 'dead-letters'; action: 'replay' | 'purge'; ids: string[] | 'all' };

/** A command as it travels: an id the reply is filed under. */
export type AdminRequest = AdminCommand & { id: string };

export type AdminReply =
  | { id: string; ok: true; result: unknown }
  | { id: string; ok: false; error: { code: string; message: string } };
