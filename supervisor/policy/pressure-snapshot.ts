/**
 * What the supervisor measured at one instant, as the pressure policy and the
 * memory log read it. Time is not in here: `now` is passed beside it, so tests
 * drive the policy with a virtual clock.
 */
import type { Tier } from '../../src/domain/plans/plan-types.ts';
import { InvalidMeasurementError } from '../../src/errors/registry.ts';

/**
 * Lifecycle state of an actor as the policy sees it: a projection of
 * `src/runtime-contracts/actor-state.ts` (failed and revoked actors are reported as `stopped`).
 * - `paused` means paused by this policy for memory pressure, and only that:
 *   an actor the policy must never resume by itself (stopped by its user, over
 *   quota, banned...) is reported as `stopped`. So pressure pauses survive a
 *   supervisor restart without a separate record.
 * - `starting` and `stopped` actors are left alone.
 */
export type PolicyActorState = 'starting' | 'running' | 'idle' | 'paused' | 'stopped';

/** Host memory, as systeminformation's `mem()` reports it. */
export interface HostMemory {
  totalBytes: number;
  /** Memory the OS can hand out without swapping (`available`, not `free`). */
  availableBytes: number;
}

/** One worker process's measured memory (RSS). */
export interface WorkerMemory {
  workerId: string;
  memoryBytes: number;
}

export interface ActorMemory {
  actorId: string;
  userId: string;
  workerId: string;
  tier: Tier;
  state: PolicyActorState;
  /**
   * Bytes attributed to the actor (see actors/heap-attribution.ts). For a paused actor
   * this is its last figure while it ran: the expected cost of resuming it.
   */
  memoryBytes: number;
  /** When the actor last forwarded anything, in ms on the supervisor's clock. */
  lastActivityAt: number;
}

export interface PressureSnapshot {
  host: HostMemory;
  workers: readonly WorkerMemory[];
  actors: readonly ActorMemory[];
}

/** States in which an actor holds its memory; a paused or stopped actor's figure is only a memory of the past. */
export function holdsMemory(state: PolicyActorState): boolean {
  return state !== 'paused' && state !== 'stopped';
}

function bad(field: string, rule: string): never {
  throw new InvalidMeasurementError({ field, message: `${field} ${rule}` });
}

/** Bytes of host memory in use; throws `InvalidMeasurementError` on figures that cannot be right. */
export function hostUsedBytes(host: HostMemory): number {
  if (!(host.totalBytes > 0) || !Number.isFinite(host.totalBytes)) bad('host.totalBytes', 'must be a finite number greater than 0');
  if (!(host.availableBytes >= 0 && host.availableBytes <= host.totalBytes)) {
    bad('host.availableBytes', 'must be between 0 and host.totalBytes');
  }
  return host.totalBytes - host.availableBytes;
}

/** Checks the per-actor figures the policy does arithmetic on. */
export function checkActors(actors: readonly ActorMemory[]): void {
  actors.forEach((a, i) => {
    if (!(a.memoryBytes >= 0) || !Number.isFinite(a.memoryBytes)) bad(`actors[${i}].memoryBytes`, 'must be a finite number greater than or equal to 0');
    if (!Number.isFinite(a.lastActivityAt)) bad(`actors[${i}].lastActivityAt`, 'must be a finite number');
  });
}
