/**
 * `switchboard status`: one line per supervisor, built from a summary that
 * `--json` prints as is.
 */
import type { RedisHealth, SessionState, SupervisorSnapshot, WorkerLifecycle } from '../../cluster/status-snapshot.ts';
import { TIERS_BY_PRIORITY, type Tier } from '../../domain/plans/plan-types.ts';
import { SESSION_STATES } from './sessions-view.ts';
import { renderTable } from './table.ts';
import { describeCpu } from './workers-view.ts';
import { formatAgo, formatBytes, formatDuration, formatPercent } from './units.ts';

const WORKER_STATES: readonly WorkerLifecycle[] = ['starting', 'running', 'draining', 'stopping'];

export interface SupervisorSummary {
  supervisorId: string;
  hostname: string;
  pid: number;
  /** How old the snapshot is, ms. */
  ageMs: number;
  uptimeMs: number;
  workers: { total: number; byState: Partial<Record<WorkerLifecycle, number>> };
  /** Counts only the states and tiers that occur. */
  sessions: { total: number; byState: Partial<Record<SessionState, number>>; byTier: Partial<Record<Tier, number>> };
  host: SupervisorSnapshot['host'];
  pressure: SupervisorSnapshot['pressure'];
  /** Host memory use is at or above the high watermark: sessions are being paused. */
  aboveHighWatermark: boolean;
  /** Redis stalls this supervisor saw; null from a supervisor that does not report them. */
  redis: RedisHealth | null;
  /** The supervisor process' CPU, % of one core; undefined from a supervisor that does not report it. */
  cpuPercent?: number;
}

function countBy<K extends string>(items: readonly K[], order: readonly K[]): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  // Known keys first, in `order`; anything unexpected after, so nothing is hidden.
  for (const key of [...order, ...items.filter((i) => !order.includes(i))]) {
    const n = items.filter((i) => i === key).length;
    if (n > 0) counts[key] = n;
  }
  return counts;
}

export function summarizeSupervisor(s: SupervisorSnapshot, nowMs: number): SupervisorSummary {
  return {
    supervisorId: s.supervisorId,
    hostname: s.hostname,
    pid: s.pid,
    ageMs: Math.max(0, nowMs - s.publishedAt),
    uptimeMs: Math.max(0, nowMs - s.startedAt),
    workers: { total: s.workers.length, byState: countBy(s.workers.map((w) => w.state), WORKER_STATES) },
    sessions: {
      total: s.sessions.length,
      byState: countBy(s.sessions.map((x) => x.state), SESSION_STATES),
      byTier: countBy(s.sessions.map((x) => x.tier), TIERS_BY_PRIORITY),
    },
    host: s.host,
    pressure: s.pressure,
    aboveHighWatermark: s.host.usedFraction >= s.pressure.highWatermark,
    redis: s.redis ?? null,
    ...(s.cpuPercent === undefined ? {} : { cpuPercent: s.cpuPercent }),
  };
}

/** `ok`; `2 stalls, last 5.2s, 3m ago`; `-` when not reported. */
export function describeRedis(redis: RedisHealth | null, nowMs: number): string {
  if (redis === null) return '-';
  // Written during a stall, a snapshot lands once Redis answers and is replaced within a status interval.
  if (redis.stalledForMs !== null) return `STALLED ${formatDuration(redis.stalledForMs)}`;
  if (redis.stalls === 0 || redis.lastStall === null) return 'ok';
  const count = `${redis.stalls} stall${redis.stalls === 1 ? '' : 's'}`;
  return `${count}, last ${formatDuration(redis.lastStall.stalledMs)}, ${formatAgo(redis.lastStall.endedAt, nowMs)}`;
}

/** `3 running, 1 paused`; `-` when empty. */
function describeCounts(counts: Partial<Record<string, number>>): string {
  const parts = Object.entries(counts).map(([key, n]) => `${n} ${key}`);
  return parts.length === 0 ? '-' : parts.join(', ');
}

/** `2` when all run; `3 (1 draining)` otherwise. */
function describeWorkers(w: SupervisorSummary['workers']): string {
  const others = Object.entries(w.byState).filter(([state]) => state !== 'running');
  return others.length === 0 ? String(w.total) : `${w.total} (${others.map(([state, n]) => `${n} ${state}`).join(', ')})`;
}

/** `71% of 16.0 GiB, pause >= 85%, resume <= 70%`, flagged when above the high watermark. */
export function describeHostMemory(s: Pick<SupervisorSummary, 'host' | 'pressure' | 'aboveHighWatermark'>): string {
  const used = `${formatPercent(s.host.usedFraction)} of ${formatBytes(s.host.totalBytes)}`;
  const marks = `pause >= ${formatPercent(s.pressure.highWatermark)}, resume <= ${formatPercent(s.pressure.lowWatermark)}`;
  return `${used}, ${marks}${s.aboveHighWatermark ? ' [ABOVE HIGH]' : ''}`;
}

export function formatStatus(summaries: readonly SupervisorSummary[], nowMs = Date.now()): string {
  if (summaries.length === 0) return '(no supervisors)';
  return renderTable(
    ['SUPERVISOR', 'HOST', 'PID', 'AGE', 'UPTIME', 'CPU', 'WORKERS', 'SESSIONS', 'BY STATE', 'BY TIER', 'HOST MEMORY', 'REDIS'],
    summaries.map((s) => [
      s.supervisorId,
      s.hostname,
      String(s.pid),
      formatDuration(s.ageMs),
      formatDuration(s.uptimeMs),
      describeCpu(s.cpuPercent),
      describeWorkers(s.workers),
      String(s.sessions.total),
      describeCounts(s.sessions.byState),
      describeCounts(s.sessions.byTier),
      describeHostMemory(s),
      describeRedis(s.redis, nowMs),
    ]),
  );
}
