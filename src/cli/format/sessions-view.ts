/**
 * `switchboard sessions`: every session of every supervisor, filtered, as
 * rows (for `--json`) and as a table.
 */
import type { SessionSnapshot, SessionState, SupervisorSnapshot } from '../../cluster/status-snapshot.ts';
import type { Tier } from '../../domain/plans/plan-types.ts';
import { renderTable } from './table.ts';
import { formatAgo, formatBytes } from './units.ts';

/** Every session state, in lifecycle order: the `--state` choices and the order of counts in `status`. */
export const SESSION_STATES = [
  'queued', 'starting', 'running', 'idle', 'paused', 'stopping', 'stopped', 'failed', 'revoked',
] as const satisfies readonly SessionState[];

// Fails to compile when a state is added to SessionState but not listed above.
const _everyStateListed: Exclude<SessionState, (typeof SESSION_STATES)[number]> extends never ? true : never = true;

/** A session with the supervisor whose snapshot it came from. */
export type SessionRow = SessionSnapshot & { supervisorId: string };

export interface SessionFilter {
  /** Only this user's sessions. Default: every user. */
  userId?: string;
  /** Only sessions in this state. Default: every state. */
  state?: SessionState;
  /** Only sessions of this tier. Default: every tier. */
  tier?: Tier;
  /** Only sessions placed on this worker. Default: every worker (and sessions on none). */
  workerId?: string;
  /** Only this supervisor's sessions. Default: every supervisor. */
  supervisorId?: string;
}

/** Sessions matching `filter`, by supervisor then session id. */
export function listSessions(snapshots: readonly SupervisorSnapshot[], filter: SessionFilter = {}): SessionRow[] {
  const rows: SessionRow[] = [];
  for (const snapshot of snapshots) {
    if (filter.supervisorId !== undefined && snapshot.supervisorId !== filter.supervisorId) continue;
    for (const s of snapshot.sessions) {
      if (filter.userId !== undefined && s.userId !== filter.userId) continue;
      if (filter.state !== undefined && s.state !== filter.state) continue;
      if (filter.tier !== undefined && s.tier !== filter.tier) continue;
      if (filter.workerId !== undefined && s.workerId !== filter.workerId) continue;
      rows.push({ ...s, supervisorId: snapshot.supervisorId });
    }
  }
  return rows.sort((a, b) => a.supervisorId.localeCompare(b.supervisorId) || a.actorId.localeCompare(b.actorId));
}

/** `running`, `paused (pressure)`, `queued (every worker full)`. */
export function describeSessionState(s: Pick<SessionSnapshot, 'state' | 'pausedBy' | 'queuedReason'>): string {
  if (s.state === 'paused' && s.pausedBy !== null) return `paused (${s.pausedBy})`;
  if (s.state === 'queued' && s.queuedReason !== null) return `queued (${s.queuedReason})`;
  return s.state;
}

/** `w1/0`; `-` for a session not placed on a worker. */
export function describePlacement(s: Pick<SessionSnapshot, 'workerId' | 'threadIndex'>): string {
  if (s.workerId === null) return '-';
  return s.threadIndex === null ? s.workerId : `${s.workerId}/${s.threadIndex}`;
}

/** Characters of a session id `top` shows; commands take that much (see locate-target.ts). */
export const SHORT_ID_LENGTH = 8;

/** The first SHORT_ID_LENGTH characters of each id, or more where two ids begin alike, so each stays unique. */
export function shortIds(ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const id of ids) {
    let length = SHORT_ID_LENGTH;
    while (length < id.length && ids.some((other) => other !== id && other.startsWith(id.slice(0, length)))) length += 4;
    out.set(id, id.slice(0, length));
  }
  return out;
}

export interface FormatSessionsOptions {
  /** Show ids shortened (see {@link shortIds}). Default false. */
  short?: boolean;
}

export function formatSessions(rows: readonly SessionRow[], nowMs: number, options: FormatSessionsOptions = {}): string {
  if (rows.length === 0) return '(no sessions)';
  const sessions = options.short === true ? shortIds(rows.map((r) => r.actorId)) : null;
  const users = options.short === true ? shortIds(rows.map((r) => r.userId)) : null;
  return renderTable(
    ['SUPERVISOR', 'SESSION', 'USER', 'TIER', 'PLATFORM', 'WORKER/THREAD', 'STATE', 'MEMORY', 'LAST ACTIVITY'],
    rows.map((s) => [
      s.supervisorId,
      sessions?.get(s.actorId) ?? s.actorId,
      users?.get(s.userId) ?? s.userId,
      s.tier,
      s.platform,
      describePlacement(s),
      describeSessionState(s),
      formatBytes(s.memoryBytes),
      formatAgo(s.lastActivityAt, nowMs),
    ]),
  );
}
