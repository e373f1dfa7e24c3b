/**
 * The admin commands that read: `/users` (the directory, filtered by email),
 * `/stats` (users, pairs, sessions and the queue by tier) and `/workers`
 * (each supervisor's worker processes), from the database and the
 * supervisors' status snapshots. Pure.
 */
import type { DirectoryRow } from '../../api/admin/user-directory.ts';
import type { Stats } from '../../api/admin/cluster-stats.ts';
import type { SupervisorSnapshot } from '../../cluster/status-snapshot.ts';
import { TIERS_BY_PRIORITY, type Tier } from '../../domain/plans/plan-types.ts';
import type { RichText } from '../../forwarding/message/neutral-message.ts';
import { ReplyText } from '../reply-text.ts';

const MB = 1024 * 1024;
const tiers = (counts: Record<Tier, number>): string => TIERS_BY_PRIORITY.map((t) => `${t} ${counts[t].toLocaleString('en-US')}`).join(' · ');

export function usersReply(rows: readonly DirectoryRow[], total: number, search: string | undefined): RichText {
  if (rows.length === 0) return new ReplyText().plain(search === undefined ? 'There are no users.' : `No user's email contains "${search}".`).build();
  const r = new ReplyText().bold(`Users${search === undefined ? '' : ` matching "${search}"`}: ${total}`).line();
  for (const u of rows) {
    r.plain(u.email).plain(` · ${u.plan} · ${u.role} · ${u.status} · ${u.pairs} pairs · ${u.sessions} sessions`).line();
  }
  if (total > rows.length) r.plain(`… and ${total - rows.length} more: narrow the search, or use /v1/admin/users.`);
  return r.build();
}

export function statsReply(stats: Stats, snapshots: readonly SupervisorSnapshot[]): RichText {
  const sessions: Record<Tier, number> = { elite: 0, pro: 0, free: 0 };
  const queued: Record<Tier, number> = { elite: 0, pro: 0, free: 0 };
  for (const s of snapshots) {
    for (const session of s.sessions) sessions[session.tier] += 1;
    for (const t of TIERS_BY_PRIORITY) queued[t] += s.queue?.queued[t] ?? 0;
  }
  const r = new ReplyText().bold('Switchboard now').line();
  r.plain(`Users ${stats.users.total}: ${tiers(stats.users.byTier)}`).line();
  r.plain(`Active pairs: ${tiers(stats.pairs.active)}; paused: ${tiers(stats.pairs.paused)}`).line();
  r.plain(`Messages this period ${stats.messagesThisPeriod.total.toLocaleString('en-US')}: ${tiers(stats.messagesThisPeriod.byTier)}`).line();
  if (snapshots.length === 0) return r.plain('No supervisor is running: no sessions, no queue.').build();
  r.plain(`Sessions: ${tiers(sessions)}`).line();
  r.plain(`Queued: ${tiers(queued)}`);
  return r.build();
}

export function workersReply(snapshots: readonly SupervisorSnapshot[]): RichText {
  if (snapshots.length === 0) return new ReplyText().plain('No supervisor is running.').build();
  const r = new ReplyText();
  for (const s of snapshots) {
    r.bold(`${s.supervisorId}`).plain(` on ${s.hostname}: host memory ${Math.round(s.host.usedFraction * 100)} % used`).line();
    for (const w of s.workers) {
      r.plain(`  ${w.workerId} · ${w.state} · ${Math.round(w.rssBytes / MB)} MB · ${w.sessions}/${w.sessionLimit} sessions · ${w.restarts} restarts`).line();
    }
  }
  return r.build();
}
