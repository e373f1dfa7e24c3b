/**
 * The records the scheduler keeps per task, pair, user, account and worker.
 * Internal to `src/scheduler/core`; see `ready-index.ts` for how they link up.
 */
import type { Tier } from '../../domain/plans/plan-types.ts';
import type { Fifo } from './fifo.ts';
import type { LinkedRing, RingLinks } from './linked-ring.ts';
import type { RateBucket } from './rate-bucket.ts';
import type { AccountBlockReason } from './scheduler-events.ts';
import type { ScheduledTask } from './task.ts';
import type { TimerEntry } from './timer-heap.ts';

export interface TaskEntry {
  task: ScheduledTask;
  pair: PairState;
  /** Set while handed out: where its in-flight slot is charged. */
  inFlightOn: { account: AccountState; worker: WorkerState } | null;
  /**
   * Handed over by the supervisor that read it (its sending account runs
   * here): nothing older of its pair is left there (that supervisor hands a
   * pair's tasks over one by one, in order), so a hold of its pair does not
   * stop it.
   */
  handedOver?: true;
}

/**
 * `waiting`: head has a future `notBefore` (a wake timer runs). `ready`: head
 * is in a lane's ring. `in_flight`: head is handed out. `held`: earlier tasks
 * of the pair are in another supervisor's shard (see `holdPairs`). Empty
 * pairs are dropped.
 */
export type PairStatus = 'waiting' | 'ready' | 'in_flight' | 'held';

export interface PairState extends RingLinks<PairState> {
  id: string;
  tasks: Fifo<TaskEntry>;
  status: PairStatus;
  lane: LaneState | null;
  /** Ready in its user's top-tier slot because its head waited past the aging bound. */
  aged: boolean;
  ageTimer: AgeTimer | null;
}

/** Ready pairs of one user, at one effective tier, on one sending account. */
export interface LaneState extends RingLinks<LaneState> {
  slot: SlotState;
  account: AccountState;
  pairs: LinkedRing<PairState>;
  /** Let out of its worker's parking for a freed slot and not served since: owed a turn, so it re-parks in front. */
  released: boolean;
}

/** One user's place in one tier's round-robin ring. */
export interface SlotState extends RingLinks<SlotState> {
  tier: Tier;
  user: UserState;
  /** Lanes that are ready and not parked on their account or worker. */
  lanes: LinkedRing<LaneState>;
  laneByAccount: Map<string, LaneState>;
}

export interface UserState {
  id: string;
  /** Tier of the user's newest task: the plan the rate and backlog come from. */
  tier: Tier;
  slots: Map<Tier, SlotState>;
  /** Out of the tier rings until its rate bucket refills. */
  parked: boolean;
  bucket: RateBucket;
  /** Tasks held: waiting, delayed or in flight. */
  held: number;
}

export interface AccountState {
  id: string;
  worker: WorkerState;
  minIntervalMs: number;
  /** Pacing: no dispatch before this. */
  nextSendAt: number;
  /** Platform block (flood wait, 429): no dispatch before this. */
  blockedUntil: number;
  blockReason: AccountBlockReason | null;
  inFlight: number;
  /**
   * Why its lanes are parked: `time` until its timer fires, `capacity` until a
   * completion frees a slot; null when open.
   */
  closed: 'time' | 'capacity' | null;
  parked: LinkedRing<LaneState>;
  timer: WakeTimer | null;
}

export interface WorkerState {
  id: string;
  inFlight: number;
  /** Lanes found while the worker was at its cap, per effective tier, oldest first; let out one per freed slot. */
  parked: Record<Tier, LinkedRing<LaneState>>;
}

export type WakeTimer = TimerEntry & (
  | { kind: 'pair'; pair: PairState }
  | { kind: 'user'; user: UserState }
  | { kind: 'account'; account: AccountState }
);

export interface AgeTimer extends TimerEntry {
  pair: PairState;
}
