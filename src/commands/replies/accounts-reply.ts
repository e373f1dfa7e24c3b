/** `/accounts` and `/status`: the caller's linked accounts and pairs at a glance. Pure. */
import type { RichText } from '../../forwarding/message/neutral-message.ts';
import { ReplyText } from '../reply-text.ts';
import type { PairLine } from './pairs-reply.ts';

export interface AccountLine {
  platform: 'telegram' | 'discord';
  name: string;
  status: string;
  lastError: string | null;
}

const STATE: Record<string, string> = {
  active: 'running', paused: 'paused', revoked: 'signed out by the platform: link it again', error: 'failing',
  pending_code: 'login waiting for its code', pending_password: 'login waiting for its 2FA password',
};

export function accountsReply(accounts: readonly AccountLine[]): RichText {
  if (accounts.length === 0) return new ReplyText().plain('You have no linked accounts yet: link a Telegram account or a Discord bot on the dashboard.').build();
  const r = new ReplyText().bold(`Your accounts (${accounts.length})`).line();
  for (const a of accounts) {
    r.plain(a.platform === 'telegram' ? 'Telegram ' : 'Discord ').bold(a.name).plain(` · ${STATE[a.status] ?? a.status}`).line();
    if (a.lastError !== null && a.status !== 'active') r.plain(`   ${a.lastError}`).line();
  }
  return r.build();
}

export function statusReply(accounts: readonly AccountLine[], pairs: readonly PairLine[]): RichText {
  const running = accounts.filter((a) => a.status === 'active').length;
  const active = pairs.filter((p) => p.status === 'active').length;
  const r = new ReplyText().plain(`Accounts: ${running} of ${accounts.length} running. Pairs: ${active} of ${pairs.length} active.`).line();
  const troubled = accounts.filter((a) => a.status === 'revoked' || a.status === 'error');
  for (const a of troubled) r.plain('⚠ ').bold(a.name).plain(`: ${STATE[a.status]}`).line();
  for (const p of pairs.filter((x) => x.notice !== null)) r.plain('⚠ ').bold(p.name).plain(`: ${p.notice!.message}`).line();
  if (troubled.length === 0 && !pairs.some((p) => p.notice !== null)) r.plain('Nothing needs your attention.');
  return r.build();
}
