/**
 * Shape checks on tasks entering the scheduler. A bad tier or time would break
 * the ring and heap invariants far from its cause, so it is refused at the door.
 */
import { TIER_PRIORITY } from '../../domain/plans/plan-types.ts';
import { ForwardTaskInvalidError } from '../../errors/registry.ts';
import type { NewForwardTask, ScheduledTask } from './task.ts';
import { FORWARD_OPS } from './task.ts';

const ID_FIELDS = ['id', 'idempotencyKey', 'pairId', 'userId', 'sendingAccountId'] as const;
// A delete carries no payload, so references may be empty.
const REF_FIELDS = ['sourceMessageRef', 'payloadRef'] as const;

function invalid(task: { id?: unknown }, field: string, message: string): never {
  throw new ForwardTaskInvalidError({ taskId: typeof task.id === 'string' ? task.id : '?', field, message });
}

/** Throws `ForwardTaskInvalidError` unless `task` can be enqueued. */
export function validateNewTask(task: NewForwardTask): void {
  for (const field of ID_FIELDS) {
    const v: unknown = task[field];
    if (typeof v !== 'string' || v === '') invalid(task, field, `${field} must be a non-empty string`);
  }
  for (const field of REF_FIELDS) {
    if (typeof task[field] !== 'string') invalid(task, field, `${field} must be a string`);
  }
  if (!Object.hasOwn(TIER_PRIORITY, task.tier)) invalid(task, 'tier', `tier must be one of elite, pro, free`);
  if (!FORWARD_OPS.includes(task.op)) invalid(task, 'op', `op must be one of ${FORWARD_OPS.join(', ')}`);
  if (!Number.isFinite(task.enqueuedAt)) invalid(task, 'enqueuedAt', 'enqueuedAt must be a finite number');
  if (task.notBefore !== undefined && !Number.isFinite(task.notBefore)) {
    invalid(task, 'notBefore', 'notBefore must be a finite number when set');
  }
  if (task.attempts !== undefined && !(Number.isInteger(task.attempts) && task.attempts >= 0)) {
    invalid(task, 'attempts', 'attempts must be a non-negative integer');
  }
}

/** As {@link validateNewTask}, plus the sequence number a restored task must carry. */
export function validatePersistedTask(task: ScheduledTask): void {
  validateNewTask(task);
  if (!(Number.isSafeInteger(task.seq) && task.seq > 0)) invalid(task, 'seq', 'seq must be a positive integer');
}
