/**
 * What the parts of one supervisor share: its identity and options, the
 * session table, the leases, the worker fleet and the one-at-a-time queue of
 * operations. Each part (placement, the actors' lifecycle, status) gets this
 * rather than the Supervisor itself, so none reaches into another's state.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SessionLeases } from '../src/cluster/session-lease.ts';
import type { EventBuffer } from './event-buffer.ts';
import type { SessionTable } from './session-table.ts';
import type { ResolvedSupervisorOptions } from './supervisor-options.ts';
import type { WorkerFleet } from './worker-fleet.ts';

export interface SupervisorContext {
  readonly id: string;
  readonly options: ResolvedSupervisorOptions;
  readonly log: Logger;
  /** Redis for leases, status and events. */
  readonly redis: Redis;
  readonly sessions: SessionTable;
  readonly leases: SessionLeases;
  readonly fleet: WorkerFleet;
  /** True once `stop()` began: nothing new is placed or restarted. */
  stopping(): boolean;
  /** The cluster events stream; null before `start()`. */
  events(): EventBuffer | null;
  /** Operations per session (and per user, for placement), one at a time each. */
  serial<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Whether an operation on `key` runs now (its own events are then expected). */
  busy(key: string): boolean;
}
