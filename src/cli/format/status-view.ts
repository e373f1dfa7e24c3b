/**
 * `switchboard status`: one line per supervisor, built from a summary that
 * `--json` prints as is.
 */
import type { OwnershipSnapshot, RedisHealth, SessionState, SupervisorSnapshot, WorkerLifecycle } from '../../cluster/status-snapshot.ts';
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
  /** Its share of the accounts and the members it sees; null from a supervisor that shares none or does not report it. */
  ownership: OwnershipSnapshot | null;
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
    ownership: s.ownership ?? null,
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

/** `2 of 6`: this supervisor's weight of all the members' it sees; `-` when it shares none. */
export function describeCapacity(o: OwnershipSnapshot | null): string {
  if (o === null) return '-';
  return `${o.capacity} of ${o.members.reduce((n, m) => n + m.capacity, 0)}`;
}

/** `4 accounts of 3 users, 4 running`; `-` when it shares none. */
export function describeOwned(o: OwnershipSnapshot | null): string {
  if (o === null) return '-';
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return `${plural(o.owned.accounts, 'account')} of ${plural(o.owned.users, 'user')}, ${o.running.accounts} running`;
}

/** The live members it sees, by id; `-` when it shares none. */
export function describeMembers(o: OwnershipSnapshot | null): string {
  return o === null ? '-' : o.members.map((m) => m.supervisorId).join(', ');
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
    ['SUPERVISOR', 'HOST', 'PID', 'AGE', 'UPTIME', 'CPU', 'WORKERS', 'SESSIONS', 'BY STATE', 'BY TIER', 'HOST MEMORY', 'REDIS', 'CAPACITY', 'OWNS', 'MEMBERS'],
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
      describeCapacity(s.ownership),
      describeOwned(s.ownership),
      describeMembers(s.ownership),
    ]),
  );
}
