/**
 * `switchboard queue`: each supervisor's forwarding queue per tier (waiting,
 * in flight, wait times, throughput, refusals), as rows (for `--json`) and as
 * a table; and `switchboard dead-letters` as a table.
 */
import type { SupervisorSnapshot } from '../../cluster/status-snapshot.ts';
import { TIERS_BY_PRIORITY, type Tier } from '../../domain/plans/plan-types.ts';
import { renderTable } from './table.ts';

export interface QueueRow {
  supervisorId: string;
  tier: Tier;
  queued: number;
  inFlight: number;
  waitP50Ms: number;
  waitP99Ms: number;
  dispatched: number;
  deadLettered: number;
}

export interface QueueSummary {
  supervisorId: string;
  delayed: Record<string, number>;
  rejected: Record<string, number>;
  inFlightByWorker: Record<string, number>;
}

/** One row per supervisor and tier, Elite first; supervisors without a queue are left out. */
export function listQueues(snapshots: readonly SupervisorSnapshot[], supervisorId?: string): QueueRow[] {
  return snapshots
    .filter((s) => s.queue !== null && (supervisorId === undefined || s.supervisorId === supervisorId))
    .sort((a, b) => a.supervisorId.localeCompare(b.supervisorId))
    .flatMap((s) => TIERS_BY_PRIORITY.map((tier) => {
      const q = s.queue as NonNullable<SupervisorSnapshot['queue']>;
      return {
        supervisorId: s.supervisorId,
        tier,
        queued: q.queued[tier],
        inFlight: q.inFlight[tier],
        waitP50Ms: q.wait[tier].p50Ms,
        waitP99Ms: q.wait[tier].p99Ms,
        dispatched: q.dispatched[tier],
        deadLettered: q.deadLettered[tier],
      };
    }));
}

export function summarizeQueues(snapshots: readonly SupervisorSnapshot[], supervisorId?: string): QueueSummary[] {
  return snapshots
    .filter((s) => s.queue !== null && (supervisorId === undefined || s.supervisorId === supervisorId))
    .map((s) => {
      const q = s.queue as NonNullable<SupervisorSnapshot['queue']>;
      return { supervisorId: s.supervisorId, delayed: q.delayed, rejected: q.rejected, inFlightByWorker: q.inFlightByWorker };
    });
}

const counts = (record: Record<string, number>) =>
  Object.entries(record).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || '-';

export function formatQueues(rows: readonly QueueRow[], summaries: readonly QueueSummary[]): string {
  if (rows.length === 0) return 'No running supervisor has a forwarding queue.';
  const table = renderTable(
    ['SUPERVISOR', 'TIER', 'QUEUED', 'IN FLIGHT', 'WAIT P50', 'WAIT P99', 'DISPATCHED', 'DEAD'],
    rows.map((r) => [r.supervisorId, r.tier, String(r.queued), String(r.inFlight), `${r.waitP50Ms} ms`, `${r.waitP99Ms} ms`, String(r.dispatched), String(r.deadLettered)]),
  );
  const notes = summaries.map((s) => `${s.supervisorId}: delayed ${counts(s.delayed)}; rejected ${counts(s.rejected)}; in flight by worker ${counts(s.inFlightByWorker)}`);
  return [table, '', ...notes].join('\n');
}

export interface DeadLetterRow {
  task: { id: string; pairId: string; userId: string; tier: string; op: string; attempts: number };
  error: string;
  reason: string;
  deadAt: number;
}

export function formatDeadLetters(supervisorId: string, letters: readonly DeadLetterRow[], now: number): string {
  if (letters.length === 0) return `Supervisor ${supervisorId} has no dead letters.`;
  return renderTable(
    ['TASK', 'PAIR', 'USER', 'TIER', 'OP', 'ATTEMPTS', 'REASON', 'AGE', 'LAST ERROR'],
    letters.map((l) => [
      l.task.id, l.task.pairId, l.task.userId, l.task.tier, l.task.op, String(l.task.attempts), l.reason,
      `${Math.max(0, Math.round((now - l.deadAt) / 1000))}s`, l.error.length > 60 ? `${l.error.slice(0, 57)}...` : l.error,
    ]),
  );
}
