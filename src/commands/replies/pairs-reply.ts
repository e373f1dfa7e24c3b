/**
 * `/pairs`: the caller's pairs with their state, a page at a time
 * (page-nav.ts), and which pair a name or id typed after `pause` /
 * `resume` means. Pure.
 */
import { clampPage, pageCount, PAGE_SIZE, type BotReply } from '../page-nav.ts';
import { ReplyText } from '../reply-text.ts';

export interface PairLine {
  id: string;
  name: string;
  status: 'active' | 'paused';
  pausedReason: string | null;
  notice: { code: string; message: string } | null;
}

/** Page `page` of the caller's pairs (PAGE_SIZE a page), with where it sits when there are more. */
export function pairsReply(pairs: readonly PairLine[], page = 0): BotReply {
  if (pairs.length === 0) return new ReplyText().plain('You have no forwarding pairs yet: make one on the dashboard.').build();
  const pages = pageCount(pairs.length);
  const at = clampPage(page, pairs.length);
  const r = new ReplyText().bold(`Your pairs (${pairs.length})`);
  if (pages > 1) r.plain(` · page ${at + 1} of ${pages}`);
  r.line();
  for (const p of pairs.slice(at * PAGE_SIZE, (at + 1) * PAGE_SIZE)) {
    r.plain(p.status === 'active' ? '▶ ' : '⏸ ').bold(p.name).plain(` · ${p.status}`);
    if (p.pausedReason === 'plan_limit') r.plain(' (over your plan\'s limit)');
    r.plain(' · ').code(p.id.slice(0, 8)).line();
    if (p.notice !== null) r.plain(`   ⚠ ${p.notice.message}`).line();
  }
  const reply: BotReply = r.plain('/pairs pause NAME or /pairs resume NAME (a name, or the start of an id).').build();
  if (pages > 1) reply.nav = { list: 'pairs', page: at, pages, arg: '' };
  return reply;
}

/** The one pair `ref` names: its exact name (case aside), or the start of its id (8 characters or more); else why not. */
export function pairByRef<P extends PairLine>(pairs: readonly P[], ref: string): { pair: P } | { problem: string } {
  const wanted = ref.trim().toLowerCase();
  const byName = pairs.filter((p) => p.name.toLowerCase() === wanted);
  const matches = byName.length > 0 ? byName : wanted.length >= 8 ? pairs.filter((p) => p.id.startsWith(wanted)) : [];
  if (matches.length === 1) return { pair: matches[0]! };
  if (matches.length === 0) return { problem: `You have no pair named "${ref}". /pairs lists them.` };
  return { problem: `${matches.length} pairs are named "${ref}": give the start of its id instead (/pairs shows them).` };
}
