/**
 * How tasks and dead letters are written in Redis. A task's `seq` lives in the
 * order sorted set (the write script assigns it), so a retry that rewrites the
 * record cannot move the task in its pair; the record never carries it.
 *
 * A pending task is a JSON array in `TASK_FIELDS` order behind a format
 * version, not an object: field names were more than half of every record (a
 * million pending tasks held 230 MB instead of 105) and stringifying them was
 * the costliest step of a durable enqueue. Records written as objects by
 * earlier versions still decode. Dead letters are rare and stay objects.
 */
import { TaskRecordCorruptError } from '../../errors/registry.ts';
import type { ScheduledTask } from '../core/task.ts';

/** Why a task left the scheduler for the dead letters. */
export type DeadLetterReason = 'permanent' | 'max_attempts';

/** A task as a dead letter keeps it: as it was when it died, without a place in any order. */
export type DeadTask = Omit<ScheduledTask, 'seq'>;

export interface DeadLetter {
  /** The task, with the attempts it made and its `lastError`. */
  task: DeadTask;
  /** Message of the failure that dead-lettered it. */
  error: string;
  reason: DeadLetterReason;
  /** Wall-clock ms when it was dead-lettered. */
  deadAt: number;
}

/** Version 1 of the array record: `[1, ...TASK_FIELDS]`, absent optional fields as null. */
const TASK_RECORD_V1 = 1;
const TASK_FIELDS = [
  'id', 'idempotencyKey', 'pairId', 'userId', 'tier', 'sendingAccountId', 'op',
  'sourceMessageRef', 'payloadRef', 'enqueuedAt', 'attempts', 'notBefore', 'lastError',
] as const;

export function encodeTask(task: ScheduledTask | DeadTask): string {
  // Spelled out rather than mapped over TASK_FIELDS: this runs once per enqueue and per retry.
  return JSON.stringify([
    TASK_RECORD_V1, task.id, task.idempotencyKey, task.pairId, task.userId, task.tier, task.sendingAccountId, task.op,
    task.sourceMessageRef, task.payloadRef, task.enqueuedAt, task.attempts, task.notBefore ?? null, task.lastError ?? null,
  ]);
}

function fromArray(owner: string, id: string, record: unknown[]): Record<string, unknown> {
  if (record[0] !== TASK_RECORD_V1 || record.length !== TASK_FIELDS.length + 1) {
    throw new TaskRecordCorruptError({ owner, id, reason: `unknown task record format ${JSON.stringify(record[0])} of ${record.length} fields` });
  }
  const task: Record<string, unknown> = {};
  TASK_FIELDS.forEach((field, i) => {
    const value = record[i + 1];
    if (value !== null) task[field] = value;
  });
  return task;
}

function parseJson(owner: string, id: string, json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new TaskRecordCorruptError({ owner, id, reason: `not JSON (${(error as Error).message})` }, { cause: error });
  }
}

function parseObject(owner: string, id: string, json: string): Record<string, unknown> {
  const value = parseJson(owner, id, json);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TaskRecordCorruptError({ owner, id, reason: 'not a JSON object' });
  }
  return value as Record<string, unknown>;
}

/**
 * The stored task `id` with its `seq`. Only the envelope is checked here; the
 * scheduler core checks every field when it restores the task.
 */
export function decodeTask(owner: string, id: string, seq: number, json: string): ScheduledTask {
  const value = parseJson(owner, id, json);
  let task: Record<string, unknown>;
  if (Array.isArray(value)) task = fromArray(owner, id, value);
  else if (value !== null && typeof value === 'object') {
    // Written as an object by an earlier version, possibly with a stale seq: the order set's wins.
    task = { ...(value as Record<string, unknown>) };
  } else throw new TaskRecordCorruptError({ owner, id, reason: 'not a JSON array or object' });
  if (task.id !== id) throw new TaskRecordCorruptError({ owner, id, reason: `it holds task "${String(task.id)}"` });
  return { ...(task as unknown as DeadTask), seq };
}

export function encodeDeadLetter(letter: DeadLetter): string {
  const { seq: _seq, ...task } = letter.task as ScheduledTask;
  return JSON.stringify({ task, error: letter.error, reason: letter.reason, deadAt: letter.deadAt });
}

export function decodeDeadLetter(owner: string, id: string, json: string): DeadLetter {
  const record = parseObject(owner, id, json);
  const task = record.task as Record<string, unknown> | null | undefined;
  if (task === null || typeof task !== 'object' || task.id !== id) {
    throw new TaskRecordCorruptError({ owner, id, reason: 'its task is missing or has another id' });
  }
  if (record.reason !== 'permanent' && record.reason !== 'max_attempts') {
    throw new TaskRecordCorruptError({ owner, id, reason: `unknown reason "${String(record.reason)}"` });
  }
  return { task: task as unknown as DeadTask, error: String(record.error), reason: record.reason, deadAt: Number(record.deadAt) };
}

/**
 * The task a replayed dead letter becomes: a fresh start (no attempts, no
 * backoff, no error), optionally counted as enqueued at `enqueuedAt`.
 */
export function replayedTask(task: DeadTask, enqueuedAt?: number): DeadTask {
  const { notBefore: _notBefore, lastError: _lastError, ...rest } = task;
  return { ...rest, attempts: 0, enqueuedAt: enqueuedAt ?? task.enqueuedAt };
}
