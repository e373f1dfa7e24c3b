/**
 * Telegram login through the API: who the linked account is on Telegram
 * (display name, username) and until when a pending login may complete
 * (`login_expires_at`), which is also how long it counts against the plan.
 * Pending rows from before this migration have none: they count as expired
 * and the API's periodic job removes them.
 */
import { Migration } from '@mikro-orm/migrations';

const UP = [
  'alter table telegram_accounts add column display_name text null',
  'alter table telegram_accounts add column username text null',
  'alter table telegram_accounts add column login_expires_at timestamptz null',
  'create index telegram_accounts_login_expires_at_index on telegram_accounts (login_expires_at)',
];

export class TelegramLogin extends Migration {
  override name = '20261204171700-telegram-login';

  override up(): void {
    for (const sql of UP) this.addSql(sql);
  }

  override down(): void {
    this.addSql('drop index telegram_accounts_login_expires_at_index');
    this.addSql('alter table telegram_accounts drop column login_expires_at');
    this.addSql('alter table telegram_accounts drop column username');
    this.addSql('alter table telegram_accounts drop column display_name');
  }
}
