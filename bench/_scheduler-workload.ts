/**
 * The forwarding workload of `bench/scheduler.ts` and its crash child: task i
 * of a stream spread over 10 000 pairs of 5 000 users (two pairs each), one
 * sending account per user, tiers by user: 10 % Elite, 30 % Pro, 60 % Free.
 * Consecutive tasks land on different pairs, as many sources posting at once.
 */
import type { SchedulerOptions } from '../src/scheduler/core/scheduler-options.ts';
import type { NewForwardTask } from '../src/scheduler/core/task.ts';
import type { Tier } from '../src/domain/plans/plan-types.ts';

export const PAIRS = 10_000;
export const USERS = 5_000;

/** BullMQ priority of each tier: lower runs first there. */
export const BULLMQ_PRIORITY: Readonly<Record<Tier, number>> = { elite: 1, pro: 2, free: 3 };

export function tierOfUser(user: number): Tier {
  const r = user % 10;
  return r === 0 ? 'elite' : r <= 3 ? 'pro' : 'free';
}

export function tierOfTask(i: number): Tier {
  return tierOfUser((i % PAIRS) % USERS);
}

/** Task i; its id is `t${i}`, so `taskIndex` can find i again. */
export function benchTask(i: number, enqueuedAt: number): NewForwardTask {
  const pair = i % PAIRS;
  const user = pair % USERS;
  return {
    id: `t${i}`, idempotencyKey: `k${i}`, pairId: `p${pair}`, userId: `u${user}`, tier: tierOfUser(user),
    sendingAccountId: `a${user}`, op: 'send', sourceMessageRef: `src-${i}`, payloadRef: `payload-${i}`, enqueuedAt,
  };
}

export const taskIndex = (id: string): number => Number(id.slice(1));

/**
 * Scheduler options for measuring the scheduler rather than the plans: no plan
 * rate or backlog limit (the defaults would hold a Free user to 20 messages a
 * minute), the per-account cap left at its default (never binding: an account
 * has two pairs, one task in flight each), and `inFlight` tasks at once on the
 * one worker, the bound BullMQ's concurrency is matched to.
 */
export function benchSchedulerOptions(inFlight: number, reservedElite = 0): SchedulerOptions {
  return { rateFor: () => null, backlogFor: () => null, maxInFlightPerWorker: inFlight, reservedWorkerSlots: { elite: reservedElite } };
}
