/**
 * One frame of `switchboard top`: supervisors, workers, and the sessions
 * using the most memory.
 */
import type { SupervisorSnapshot } from '../../cluster/status-snapshot.ts';
import { formatQueues, listQueues, summarizeQueues } from './queue-view.ts';
import { formatSessions, listSessions, type SessionFilter } from './sessions-view.ts';
import { formatStatus, summarizeSupervisor } from './status-view.ts';
import { formatWorkers, listWorkers } from './workers-view.ts';

export interface TopFrameOptions {
  /** Refresh interval, shown in the header. */
  intervalMs: number;
  /** Sessions listed, largest memory first. Default 20. */
  sessionLimit?: number;
  /** Restricts every section to one supervisor. Default: all. */
  supervisorId?: string;
}

/** First line of every frame; tests and scripts count frames by it. */
export const TOP_HEADER = 'switchboard top';

/** The forwarding queue per tier, for supervisors that run one; nothing when none does. */
function queueSection(snapshots: readonly SupervisorSnapshot[], supervisorId: string | undefined): string[] {
  const rows = listQueues(snapshots, supervisorId);
  return rows.length === 0 ? [] : ['Forwarding queue:', formatQueues(rows, summarizeQueues(snapshots, supervisorId)), ''];
}

export function formatTopFrame(snapshots: readonly SupervisorSnapshot[], nowMs: number, options: TopFrameOptions): string {
  const header = `${TOP_HEADER}  ${new Date(nowMs).toISOString()}  every ${options.intervalMs} ms`;
  if (snapshots.length === 0) return `${header}\n\nNo supervisor is running.`;
  const filter: SessionFilter = { supervisorId: options.supervisorId };
  const limit = options.sessionLimit ?? 20;
  const sessions = listSessions(snapshots, filter).sort((a, b) => b.memoryBytes - a.memoryBytes);
  const shown = sessions.slice(0, limit);
  return [
    header,
    '',
    formatStatus(snapshots.filter((s) => options.supervisorId === undefined || s.supervisorId === options.supervisorId)
      .map((s) => summarizeSupervisor(s, nowMs)), nowMs),
    '',
    formatWorkers(listWorkers(snapshots, filter)),
    '',
    ...queueSection(snapshots, options.supervisorId),
    `Sessions by memory (${shown.length} of ${sessions.length}; ids shortened, commands take them as shown):`,
    formatSessions(shown, nowMs, { short: true }),
  ].join('\n');
}
