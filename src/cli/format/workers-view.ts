/**
 * `switchboard workers`: every worker process of every supervisor, as rows
 * (for `--json`) and as a table.
 */
import type { SupervisorSnapshot, WorkerSnapshot } from '../../cluster/status-snapshot.ts';
import { renderTable } from './table.ts';
import { formatBytes, formatPercent } from './units.ts';

/** A worker with the supervisor whose snapshot it came from. */
export type WorkerRow = WorkerSnapshot & { supervisorId: string };

export interface WorkerFilter {
  /** Only this supervisor's workers. Default: every supervisor. */
  supervisorId?: string;
}

/** Workers matching `filter`, by supervisor then worker id. */
export function listWorkers(snapshots: readonly SupervisorSnapshot[], filter: WorkerFilter = {}): WorkerRow[] {
  return snapshots
    .filter((s) => filter.supervisorId === undefined || s.supervisorId === filter.supervisorId)
    .flatMap((s) => s.workers.map((w) => ({ ...w, supervisorId: s.supervisorId })))
    .sort((a, b) => a.supervisorId.localeCompare(b.supervisorId) || a.workerId.localeCompare(b.workerId));
}

/** `#0 120 MiB, #1 98 MiB`: the V8 heap each thread uses. */
export function describeThreads(w: Pick<WorkerSnapshot, 'threads'>): string {
  if (w.threads.length === 0) return '-';
  return [...w.threads]
    .sort((a, b) => a.threadIndex - b.threadIndex)
    .map((t) => `#${t.threadIndex} ${formatBytes(t.heapUsedBytes)}`)
    .join(', ');
}

/** `412 MiB / 1.0 GiB (40%)`. */
export function describeRss(w: Pick<WorkerSnapshot, 'rssBytes' | 'ramCapBytes'>): string {
  const share = w.ramCapBytes > 0 ? ` (${formatPercent(w.rssBytes / w.ramCapBytes)})` : '';
  return `${formatBytes(w.rssBytes)} / ${formatBytes(w.ramCapBytes)}${share}`;
}

/** Worker restarts, plus thread restarts inside it when there were any: `1 (+3 thread)`. */
export function describeRestarts(w: Pick<WorkerSnapshot, 'restarts' | 'threads'>): string {
  const threadRestarts = w.threads.reduce((sum, t) => sum + t.restarts, 0);
  return threadRestarts > 0 ? `${w.restarts} (+${threadRestarts} thread)` : String(w.restarts);
}

/** `37%` of one core; `-` from a supervisor that does not report it. */
export function describeCpu(cpuPercent: number | undefined): string {
  return cpuPercent === undefined ? '-' : `${Math.round(cpuPercent)}%`;
}

export function formatWorkers(rows: readonly WorkerRow[]): string {
  if (rows.length === 0) return '(no workers)';
  return renderTable(
    ['SUPERVISOR', 'WORKER', 'PID', 'STATE', 'SESSIONS', 'CPU', 'RSS / RAM CAP', 'THREADS (HEAP)', 'RESTARTS'],
    rows.map((w) => [
      w.supervisorId,
      w.workerId,
      String(w.pid),
      w.state,
      `${w.sessions}/${w.sessionLimit}`,
      describeCpu(w.cpuPercent),
      describeRss(w),
      describeThreads(w),
      describeRestarts(w),
    ]),
  );
}
