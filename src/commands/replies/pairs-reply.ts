/**
 * `/pairs`: the caller's pairs with their state, and which pair a name or id
 * typed after `pause` / `resume` means. Pure.
 */
import type { RichText } from '../../forwarding/message/neutral-message.ts';
import { ReplyText } from '../reply-text.ts';

export interface PairLine {
  id: string;
  name: string;
  status: 'active' | 'paused';
  pausedReason: string | null;
  notice: { code: string; message: string } | null;
}

/** Most pairs listed in one reply; the rest are counted (the dashboard shows them all). */
export const PAIRS_SHOWN = 25;

export function pairsReply(pairs: readonly PairLine[]): RichText {
  if (pairs.length === 0) return new ReplyText().plain('You have no forwarding pairs yet: make one on the dashboard.').build();
  const r = new ReplyText().bold(`Your pairs (${pairs.length})`).line();
  for (const p of pairs.slice(0, PAIRS_SHOWN)) {
    r.plain(p.status === 'active' ? '▶ ' : '⏸ ').bold(p.name).plain(` · ${p.status}`);
    if (p.pausedReason === 'plan_limit') r.plain(' (over your plan\'s limit)');
    r.plain(' · ').code(p.id.slice(0, 8)).line();
    if (p.notice !== null) r.plain(`   ⚠ ${p.notice.message}`).line();
  }
  if (pairs.length > PAIRS_SHOWN) r.plain(`… and ${pairs.length - PAIRS_SHOWN} more on the dashboard.`).line();
  return r.plain('/pairs pause NAME or /pairs resume NAME (a name, or the start of an id).').build();
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
