/**
 * `/plan` and `/usage`: the plan with its expiry and limits, and each figure
 * against its limit, flagged from 80 % (the same warning `/v1/usage` and
 * the dashboard give) and at 100 %. Pure.
 */
import type { UsageReport } from '../../api/usage/usage-report.ts';
import type { PlanDefinition } from '../../domain/plans/plan-types.ts';
import type { RichText } from '../../forwarding/message/neutral-message.ts';
import { ReplyText } from '../reply-text.ts';

const FIGURES: Array<[keyof UsageReport['figures'], string]> = [
  ['pairs', 'Forwarding pairs'], ['sessions', 'Linked accounts'], ['messagesForwarded', 'Messages forwarded this period'],
  ['apiCalls', 'API calls this period'], ['commands', 'Bot commands this period'],
];

const limitText = (limit: number | null): string => (limit === null ? 'unlimited' : limit.toLocaleString('en-US'));

export function planReply(plan: PlanDefinition, expiresAt: Date | null): RichText {
  const r = new ReplyText().plain('Your plan: ').bold(plan.displayName);
  r.plain(expiresAt === null ? ' (no expiry)' : ` until ${expiresAt.toISOString().slice(0, 10)}, then Free`).line();
  r.plain(`Pairs: ${limitText(plan.limits.pairs)} · linked accounts: ${limitText(plan.limits.sessions)} · messages a month: ${limitText(plan.limits.messagesPerPeriod)}`).line();
  const features = [
    plan.features.copyMode && 'copy mode', plan.features.chainForwarding && 'chains', plan.features.advancedFilters && 'advanced filters',
    plan.features.apiKeys && 'API keys',
  ].filter(Boolean);
  r.plain(`Includes: ${features.length > 0 ? features.join(', ') : 'keyword filters'}`);
  return r.build();
}

export function usageReply(report: UsageReport): RichText {
  const r = new ReplyText().bold(`Usage, ${report.period.start.slice(0, 10)} to ${report.period.end.slice(0, 10)}`).line();
  for (const [key, label] of FIGURES) {
    const f = report.figures[key];
    const full = f.limit !== null && f.used >= f.limit;
    r.plain(`${label}: ${f.used.toLocaleString('en-US')} / ${limitText(f.limit)}`);
    if (full) r.plain(' - ').bold('limit reached');
    else if (f.warning) r.plain(' - over 80 %');
    r.line();
  }
  if (FIGURES.some(([key]) => report.figures[key].warning)) r.plain('/upgrade shows what the other plans allow.');
  return r.build();
}
