/**
 * Notices the control bots push to a user's linked chats, unasked: a usage
 * figure at 80 % or 100 % of its limit, a linked account the platform
 * revoked, pairs a plan change paused, a plan ending in three days. Each
 * carries the key that makes it once-only (the outbox drops a repeat) and
 * its text as neutral rich text, rendered per platform like any reply. Pure.
 */
import type { UsageReport } from '../../api/usage/usage-report.ts';
import { USAGE_WARNING_RATIO } from '../../api/usage/usage-report.ts';
import type { RichText } from '../../forwarding/message/neutral-message.ts';
import { ReplyText } from '../reply-text.ts';

export type NoticeKind = 'usage_warning' | 'usage_reached' | 'account_revoked' | 'pairs_paused' | 'plan_expiring';

export interface ChatNotice {
  kind: NoticeKind;
  userId: string;
  /** Same key, same notice: published once while the key is remembered. */
  dedupeKey: string;
  /** How long the key is remembered, seconds. */
  dedupeTtlSeconds: number;
  text: RichText;
}

const DAY_S = 86_400;

/** The figures worth a notice, with the words a user reads. */
const NOTICE_FIGURES: ReadonlyArray<[keyof UsageReport['figures'], string]> = [
  ['pairs', 'forwarding pairs'], ['sessions', 'linked accounts'], ['messagesForwarded', 'messages forwarded this period'],
  ['apiCalls', 'API calls this period'], ['commands', 'bot commands this period'],
];

/** A notice per figure at 80 % or 100 % of its limit, once per period and level. */
export function usageNotices(userId: string, report: UsageReport): ChatNotice[] {
  const out: ChatNotice[] = [];
  for (const [key, words] of NOTICE_FIGURES) {
    const { used, limit } = report.figures[key];
    if (limit === null || limit === 0 || used < limit * USAGE_WARNING_RATIO) continue;
    const reached = used >= limit;
    const r = new ReplyText().bold(reached ? 'Limit reached' : 'Nearing a limit').plain(`: ${used.toLocaleString('en-US')} of ${limit.toLocaleString('en-US')} ${words}`);
    r.plain(reached ? '. What goes past it is refused until the period ends or you upgrade: /upgrade.' : ` (${Math.floor((used / limit) * 100)} %). /usage shows the rest, /upgrade the plans.`);
    out.push({
      kind: reached ? 'usage_reached' : 'usage_warning',
      userId,
      dedupeKey: `usage:${report.period.start}:${userId}:${key}:${reached ? 100 : 80}`,
      // Past the end of the longest period: the next period's notices have their own keys.
      dedupeTtlSeconds: 40 * DAY_S,
      text: r.build(),
    });
  }
  return out;
}

export interface RevokedAccountNotice {
  userId: string;
  accountId: string;
  platform: 'telegram' | 'discord';
  label: string;
  reason?: string | undefined;
}

export function revokedNotice(account: RevokedAccountNotice, at: number): ChatNotice {
  const what = account.platform === 'telegram' ? 'Telegram account' : 'Discord bot';
  const r = new ReplyText().bold(`Your ${what} ${account.label} was disconnected`).plain(' by the platform; its pairs are stopped until you link it again.');
  if (account.reason !== undefined) r.plain(` ${account.platform === 'telegram' ? 'Telegram' : 'Discord'} said: ${account.reason}`);
  return {
    kind: 'account_revoked', userId: account.userId, dedupeKey: `revoked:${account.accountId}:${Math.floor(at / 60_000)}`, dedupeTtlSeconds: DAY_S, text: r.build(),
  };
}

export function pairsPausedNotice(userId: string, plan: string, pairNames: readonly string[], changeId: string): ChatNotice {
  const r = new ReplyText().bold(`${pairNames.length} pair${pairNames.length === 1 ? '' : 's'} paused`).plain(`: your plan is now ${plan}, which allows fewer. `);
  r.plain(`Paused: ${pairNames.join(', ')}. /upgrade to run them again.`);
  return { kind: 'pairs_paused', userId, dedupeKey: `pairs-paused:${changeId}`, dedupeTtlSeconds: 7 * DAY_S, text: r.build() };
}

export function planExpiringNotice(userId: string, subscriptionId: string, plan: string, expiresAt: Date): ChatNotice {
  const r = new ReplyText().bold(`Your ${plan} plan ends on ${expiresAt.toISOString().slice(0, 10)}`);
  r.plain('; then your account moves to Free, and pairs and accounts past its limits are paused. /upgrade shows how to renew.');
  return {
    kind: 'plan_expiring', userId, dedupeKey: `plan-expiring:${subscriptionId}:${expiresAt.getTime()}`, dedupeTtlSeconds: 7 * DAY_S, text: r.build(),
  };
}
