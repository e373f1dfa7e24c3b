/** Shared pieces of the scheduler store tests: a client per suite, owners no other test uses, tasks. */
import { Redis } from 'ioredis';
import type { ScheduledTask } from '../../../src/scheduler/core/task.ts';
import { TEST_REDIS_PREFIX, TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { task } from '../../unit/scheduler/scheduler-fixtures.ts';

export { scheduler, task } from '../../unit/scheduler/scheduler-fixtures.ts';

/** A client whose keys live under this run's prefix plus `suite`. */
export function suiteRedis(suite: string): { redis: Redis; prefix: string } {
  const prefix = `${TEST_REDIS_PREFIX}${suite}:`;
  return { redis: new Redis(TEST_REDIS_URL, { keyPrefix: prefix }), prefix };
}

let owners = 0;
/** An owner id no other test of this run uses. */
export const owner = (name = 'sup'): string => `${name}-${++owners}`;

/** A task as the scheduler holds it (seq is the store's business: 0 here). */
export function scheduled(overrides: Partial<ScheduledTask> = {}): ScheduledTask {
  return { ...task(overrides), attempts: overrides.attempts ?? 0, seq: overrides.seq ?? 0 };
}

/** What an ack names: the ids, each with the pair `task()` gives by default. */
export function acks(...ids: string[]): Array<{ id: string; pairId: string }> {
  return ids.map((id) => ({ id, pairId: task({ id }).pairId }));
}
