/**
 * Tables of the API's authentication: single-use mailed links
 * (`auth_tokens`) and TOTP recovery codes. Same conventions as the initial
 * schema: unqualified names, run with `search_path` set to the configured schema.
 */
import { Migration } from '@mikro-orm/migrations';

const UP = [
  `create table auth_tokens (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    purpose text not null,
    token_hash text not null,
    expires_at timestamptz not null,
    used_at timestamptz null,
    created_at timestamptz not null default now(),
    constraint auth_tokens_pkey primary key (id),
    constraint auth_tokens_token_hash_unique unique (token_hash),
    constraint auth_tokens_purpose_check check (purpose in ('email_verification', 'password_reset')),
    constraint auth_tokens_user_id_foreign foreign key (user_id) references users (id) on delete cascade
  )`,
  `create index auth_tokens_user_id_index on auth_tokens (user_id)`,

  `create table totp_recovery_codes (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    code_hash text not null,
    used_at timestamptz null,
    created_at timestamptz not null default now(),
    constraint totp_recovery_codes_pkey primary key (id),
    constraint totp_recovery_codes_code_hash_unique unique (code_hash),
    constraint totp_recovery_codes_user_id_foreign foreign key (user_id) references users (id) on delete cascade
  )`,
  `create index totp_recovery_codes_user_id_index on totp_recovery_codes (user_id)`,
];

export class AuthTokens extends Migration {
  override name = '20261123000100-auth-tokens';

  override up(): void {
    for (const sql of UP) this.addSql(sql);
  }

  override down(): void {
    this.addSql('drop table totp_recovery_codes');
    this.addSql('drop table auth_tokens');
  }
}
