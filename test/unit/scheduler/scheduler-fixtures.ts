/** Shared builders for the scheduler core tests: tasks with defaults, a permissive scheduler, draining. */
import { PriorityScheduler } from '../../../src/scheduler/core/priority-scheduler.ts';
import type { SchedulerOptions } from '../../../src/scheduler/core/scheduler-options.ts';
import type { NewForwardTask, ScheduledTask } from '../../../src/scheduler/core/task.ts';

let counter = 0;

/** A send task on pair p1 of free user u1 via account a1, enqueued at 0; override any field. */
export function task(overrides: Partial<NewForwardTask> = {}): NewForwardTask {
  const id = overrides.id ?? `t${++counter}`;
  return {
    id,
    idempotencyKey: `key-${id}`,
    pairId: 'p1',
    userId: 'u1',
    tier: 'free',
    sendingAccountId: 'a1',
    op: 'send',
    sourceMessageRef: `src-${id}`,
    payloadRef: `payload-${id}`,
    enqueuedAt: 0,
    ...overrides,
  };
}

/**
 * A scheduler without plan rates or backlogs, unbounded in-flight and no jitter,
 * so each test switches on only the rule it is about.
 */
export function scheduler(options: SchedulerOptions = {}): PriorityScheduler {
  return new PriorityScheduler({
    rateFor: () => null,
    backlogFor: () => null,
    random: () => 0,
    maxInFlightPerAccount: Infinity,
    maxInFlightPerWorker: Infinity,
    ...options,
  });
}

/** Takes until nothing is runnable at `now`; returns the tasks in hand-out order. */
export function drain(s: PriorityScheduler, now: number): ScheduledTask[] {
  const out: ScheduledTask[] = [];
  for (let r = s.take(now); r.task !== null; r = s.take(now)) out.push(r.task);
  return out;
}

/** Takes, then acks, one task at a time until nothing is runnable at `now`; returns ids in order. */
export function runAll(s: PriorityScheduler, now: number): string[] {
  const ids: string[] = [];
  for (let r = s.take(now); r.task !== null; r = s.take(now)) {
    ids.push(r.task.id);
    s.ack(r.task.id, now);
  }
  return ids;
}

export const ids = (tasks: readonly { id: string }[]): string[] => tasks.map((t) => t.id);
