/** `/upgrade`: the plans above the caller's, what each adds, and how to get one. Pure. */
import type { PlanDefinition } from '../../domain/plans/plan-types.ts';
import type { UpgradeOption } from '../../domain/plans/plan-upgrades.ts';
import type { RichText } from '../../forwarding/message/neutral-message.ts';
import { ReplyText } from '../reply-text.ts';
import { FEATURE_WORDS, LIMIT_WORDS } from './plan-words.ts';

const amount = (n: number | null): string => (n === null ? 'unlimited' : n.toLocaleString('en-US'));

/** A checkout link for one of the options. */
export interface UpgradeLink {
  plan: PlanDefinition['tier'];
  period: string;
  url: string;
}

export function upgradeReply(current: PlanDefinition, options: readonly UpgradeOption[], howTo: string, links: readonly UpgradeLink[] = []): RichText {
  const r = new ReplyText().plain('Your plan: ').bold(current.displayName).line();
  if (options.length === 0) return r.plain('You have the highest plan already.').build();
  for (const o of options) {
    r.line().bold(o.plan.displayName).line();
    for (const gain of o.limits) r.plain(`${LIMIT_WORDS[gain.limit]}: ${amount(gain.from)} → ${amount(gain.to)}`).line();
    if (o.features.length > 0) r.plain(`Adds: ${o.features.map((f) => FEATURE_WORDS[f]).join(', ')}`).line();
    for (const link of links.filter((l) => l.plan === o.plan.tier)) r.plain(`Subscribe (${link.period}): ${link.url}`).line();
  }
  return r.line().plain(howTo).build();
}
