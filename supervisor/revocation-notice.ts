/**
 * Tells a user that a platform refused one of their linked accounts (a
 * terminated Telegram session, a reset bot token): the account stopped for
 * good and must be linked again, by mail and in their linked chats. Sent once, by whichever supervisor moved
 * the row from `active` to `revoked`; a mail that fails is logged, never
 * retried: the account's status already tells the user in the API.
 */
import type { Logger } from 'pino';
import { revokedNotice } from '../src/commands/notices/chat-notice.ts';
import type { NoticeOutbox } from '../src/commands/notices/notice-outbox.ts';
import type { MailMessage, Mailer } from '../src/api/mail/mailer.ts';
import type { Sql } from '../src/db/raw-sql.ts';
import type { RevokedAccount } from '../src/forwarding/store/account-directory.ts';

const PLATFORM_NAMES = { telegram: 'Telegram account', discord: 'Discord bot' } as const;

/** The mail's text; pure. */
export function revocationMail(publicUrl: string, to: string, account: RevokedAccount): MailMessage {
  const what = `${PLATFORM_NAMES[account.platform]} ${account.label}`;
  const why = account.platform === 'telegram'
    ? 'Telegram ended its session (it was terminated from another device, the account was banned or deactivated, or it was used from two places at once).'
    : 'Discord no longer accepts its token (it was reset or the bot was deleted) or the intents it needs.';
  // The platform's own words say which, and what to fix (e.g. an intent to enable in the developer portal).
  const detail = account.reason === undefined ? '' : `${account.platform === 'telegram' ? 'Telegram' : 'Discord'} said: ${account.reason}\n\n`;
  return {
    to,
    subject: `Switchboard stopped forwarding with your ${what}`,
    text: `Your ${what} was disconnected: ${why}\n\n${detail}`
      + 'Its forwarding pairs are stopped until you link it again at '
      + `${new URL('/accounts', publicUrl).toString()}\n`,
  };
}

export interface RevocationNoticeDeps {
  sql: Sql;
  /** Where the control bots pick the notice up for the owner's linked chats. */
  outbox: NoticeOutbox;
  mailer: Mailer;
  publicUrl: string;
  logger: Logger;
}

/** Mails the owner of `account` and queues a notice for their linked chats; never throws. */
export async function sendRevocationNotice(deps: RevocationNoticeDeps, account: RevokedAccount): Promise<void> {
  await deps.outbox.publish(revokedNotice(account, Date.now()))
    .catch((err: unknown) => deps.logger.warn({ err, accountId: account.accountId }, 'revocation chat notice not queued'));
  try {
    const [owner] = await deps.sql.all<{ email: string }>(`select email from ${deps.sql.table('users')} where id = ?`, [account.userId]);
    if (owner === undefined) return;
    await deps.mailer.send(revocationMail(deps.publicUrl, owner.email, account));
  } catch (err) {
    deps.logger.warn({ err, accountId: account.accountId }, 'revocation notice not sent');
  }
}
