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
import { pageButtonsFit, pageCount, type BotReply, type PageNav } from '../page-nav.ts';
import { ReplyText } from '../reply-text.ts';

const MB = 1024 * 1024;
const tiers = (counts: Record<Tier, number>): string => TIERS_BY_PRIORITY.map((t) => `${t} ${counts[t].toLocaleString('en-US')}`).join(' · ');

/** One page of the directory (`rows`, PAGE_SIZE at most, of `total`), with where it sits when there are more. */
export function usersReply(rows: readonly DirectoryRow[], total: number, search: string | undefined, page = 0): BotReply {
  if (rows.length === 0) return new ReplyText().plain(search === undefined ? 'There are no users.' : `No user's email contains "${search}".`).build();
  const pages = pageCount(total);
  const r = new ReplyText().bold(`Users${search === undefined ? '' : ` matching "${search}"`}: ${total}`);
  if (pages > 1) r.plain(` · page ${page + 1} of ${pages}`);
  r.line();
  for (const u of rows) {
    r.plain(u.email).plain(` · ${u.plan} · ${u.role} · ${u.status} · ${u.pairs} pairs · ${u.sessions} sessions`).line();
  }
  const nav: PageNav = { list: 'users', page, pages, arg: search ?? '' };
  if (pages > 1 && !pageButtonsFit(nav)) r.plain('A search this long gets no page buttons: narrow it, or use /v1/admin/users.');
  const reply: BotReply = r.build();
  if (pages > 1 && pageButtonsFit(nav)) reply.nav = nav;
  return reply;
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
