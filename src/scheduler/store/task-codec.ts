/**
 * How tasks and dead letters are written in Redis. A task's `seq` lives in the
 * order sorted set (the write script assigns it), so a retry that rewrites the
 * JSON cannot move the task in its pair. The JSON may carry a stale `seq`
 * (stripping it cost a copy of every task on the hot path); decoding always
 * takes the order set's.
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

export function encodeTask(task: ScheduledTask | DeadTask): string {
  return JSON.stringify(task);
}

function parseObject(owner: string, id: string, json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new TaskRecordCorruptError({ owner, id, reason: `not JSON (${(error as Error).message})` }, { cause: error });
  }
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
  const task = parseObject(owner, id, json);
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
