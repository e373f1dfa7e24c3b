/**
 * Telegram and Discord identities tied to Switchboard users, for the
 * control bot (`/link CODE`).
 */
import { Migration } from '@mikro-orm/migrations';

export class ChatLinks extends Migration {
  override name = '20261206060000-chat-links';

  override up(): void {
    this.addSql(`create table chat_links (
      id uuid not null default gen_random_uuid(),
      user_id uuid not null,
      platform text not null,
      chat_user_id text not null,
      display_name text null,
      created_at timestamptz not null default now(),
      constraint chat_links_pkey primary key (id),
      constraint chat_links_platform_check check (platform in ('telegram', 'discord')),
      constraint chat_links_platform_chat_user_id_unique unique (platform, chat_user_id),
      constraint chat_links_user_id_foreign foreign key (user_id) references users (id) on delete cascade
    )`);
    this.addSql('create index chat_links_user_id_index on chat_links (user_id)');
  }

  override down(): void {
    this.addSql('drop table chat_links');
  }
}
