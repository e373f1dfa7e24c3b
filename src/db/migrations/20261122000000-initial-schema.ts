/**
 * Every Switchboard table. Written by hand from the entities (the schema
 * generator's output, reordered and unqualified): the migrator sets
 * `search_path` to the configured schema, so no statement names a schema and
 * the same file builds `public` in production and a private schema per test run.
 * Keep it in step with `src/db/entities/`; the integration test compares the two.
 */
import { Migration } from '@mikro-orm/migrations';

const UP = [
  `create table users (
    id uuid not null default gen_random_uuid(),
    email text not null,
    password_hash text not null,
    role text not null default 'free_user',
    role_overridden boolean not null default false,
    status text not null default 'active',
    email_verified_at timestamptz null,
    totp_secret_ciphertext text null,
    totp_enabled boolean not null default false,
    tokens_not_before timestamptz null,
    last_login_at timestamptz null,
    deleted_at timestamptz null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint users_pkey primary key (id),
    constraint users_email_unique unique (email),
    constraint users_email_lower_check check (email = lower(email)),
    constraint users_role_check check (role in ('admin', 'premium_user', 'free_user')),
    constraint users_status_check check (status in ('active', 'suspended', 'deleted'))
  )`,

  `create table subscription_plans (
    id uuid not null default gen_random_uuid(),
    name text not null,
    display_name text not null,
    description text not null,
    price_cents int not null,
    billing_period text null,
    tier text not null,
    limits jsonb not null,
    features jsonb not null,
    rate_limits jsonb not null,
    is_active boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint subscription_plans_pkey primary key (id),
    constraint subscription_plans_name_unique unique (name),
    constraint subscription_plans_name_check check (name in ('free', 'pro', 'elite')),
    constraint subscription_plans_billing_period_check check (billing_period in ('monthly')),
    constraint subscription_plans_tier_check check (tier in ('free', 'pro', 'elite')),
    constraint subscription_plans_price_cents_check check (price_cents >= 0)
  )`,

  `create table user_subscriptions (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    plan_id uuid not null,
    status text not null,
    started_at timestamptz not null,
    expires_at timestamptz null,
    cancelled_at timestamptz null,
    current_period_start timestamptz null,
    current_period_end timestamptz null,
    external_ref text null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint user_subscriptions_pkey primary key (id),
    constraint user_subscriptions_status_check check (status in ('active', 'trial', 'cancelled', 'expired')),
    constraint user_subscriptions_user_id_foreign foreign key (user_id) references users (id) on delete cascade,
    constraint user_subscriptions_plan_id_foreign foreign key (plan_id) references subscription_plans (id) on delete restrict
  )`,
  `create index user_subscriptions_user_id_index on user_subscriptions (user_id)`,
  // At most one current (active or trial) subscription per user; history rows are free.
  `create unique index user_subscriptions_one_current_unique on user_subscriptions (user_id) where status in ('active', 'trial')`,

  `create table usage_periods (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    period_start timestamptz not null,
    period_end timestamptz not null,
    messages_forwarded bigint not null default 0,
    api_calls bigint not null default 0,
    commands bigint not null default 0,
    memory_mb_seconds bigint not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint usage_periods_pkey primary key (id),
    constraint usage_periods_user_id_period_start_unique unique (user_id, period_start),
    constraint usage_periods_user_id_foreign foreign key (user_id) references users (id) on delete cascade
  )`,

  `create table telegram_accounts (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    telegram_user_id bigint null,
    phone text not null,
    session_ciphertext text null,
    status text not null,
    last_error text null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint telegram_accounts_pkey primary key (id),
    constraint telegram_accounts_user_id_phone_unique unique (user_id, phone),
    constraint telegram_accounts_status_check
      check (status in ('pending_code', 'pending_password', 'active', 'paused', 'revoked', 'error')),
    constraint telegram_accounts_user_id_foreign foreign key (user_id) references users (id) on delete cascade
  )`,

  `create table discord_accounts (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    bot_user_id text not null,
    bot_username text not null,
    token_ciphertext text not null,
    servers jsonb not null default '[]',
    status text not null,
    last_error text null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint discord_accounts_pkey primary key (id),
    constraint discord_accounts_user_id_bot_user_id_unique unique (user_id, bot_user_id),
    constraint discord_accounts_status_check check (status in ('active', 'paused', 'revoked', 'error')),
    constraint discord_accounts_user_id_foreign foreign key (user_id) references users (id) on delete cascade
  )`,

  // The account ids point at telegram_accounts or discord_accounts by platform: no foreign key.
  `create table forwarding_pairs (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    name text not null,
    source_platform text not null,
    source_account_id uuid not null,
    source_chat_id text not null,
    destination_platform text not null,
    destination_account_id uuid not null,
    destination_chat_id text not null,
    delay_ms int not null default 0,
    silent boolean not null default false,
    copy_mode boolean not null default false,
    chain boolean not null default false,
    filters jsonb not null default '[]',
    status text not null default 'active',
    paused_reason text null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint forwarding_pairs_pkey primary key (id),
    constraint forwarding_pairs_source_platform_check check (source_platform in ('telegram', 'discord')),
    constraint forwarding_pairs_destination_platform_check check (destination_platform in ('telegram', 'discord')),
    constraint forwarding_pairs_status_check check (status in ('active', 'paused')),
    constraint forwarding_pairs_delay_ms_check check (delay_ms >= 0),
    constraint forwarding_pairs_user_id_foreign foreign key (user_id) references users (id) on delete cascade
  )`,
  `create index forwarding_pairs_user_id_index on forwarding_pairs (user_id)`,
  `create index forwarding_pairs_source_index on forwarding_pairs (source_platform, source_account_id, source_chat_id)`,

  `create table message_links (
    id uuid not null default gen_random_uuid(),
    pair_id uuid not null,
    source_chat_id text not null,
    source_message_id text not null,
    destination_chat_id text not null,
    destination_message_ids text[] not null,
    idempotency_key text not null,
    created_at timestamptz not null default now(),
    constraint message_links_pkey primary key (id),
    constraint message_links_idempotency_key_unique unique (idempotency_key),
    constraint message_links_pair_id_source_unique unique (pair_id, source_chat_id, source_message_id),
    constraint message_links_pair_id_foreign foreign key (pair_id) references forwarding_pairs (id) on delete cascade
  )`,

  `create table payments (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    provider text not null,
    external_id text not null,
    amount_cents int not null,
    currency text not null,
    status text not null,
    plan_id uuid null,
    paid_at timestamptz null,
    raw jsonb null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint payments_pkey primary key (id),
    constraint payments_provider_external_id_unique unique (provider, external_id),
    constraint payments_status_check check (status in ('pending', 'succeeded', 'failed', 'refunded')),
    constraint payments_user_id_foreign foreign key (user_id) references users (id) on delete cascade,
    constraint payments_plan_id_foreign foreign key (plan_id) references subscription_plans (id) on delete set null
  )`,
  `create index payments_user_id_index on payments (user_id)`,

  `create table api_keys (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    name text not null,
    prefix text not null,
    key_hash text not null,
    scopes text[] not null default '{}',
    expires_at timestamptz null,
    revoked_at timestamptz null,
    last_used_at timestamptz null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint api_keys_pkey primary key (id),
    constraint api_keys_prefix_unique unique (prefix),
    constraint api_keys_user_id_foreign foreign key (user_id) references users (id) on delete cascade
  )`,
  `create index api_keys_user_id_index on api_keys (user_id)`,

  `create table refresh_token_families (
    id uuid not null default gen_random_uuid(),
    user_id uuid not null,
    device text null,
    ip text null,
    user_agent text null,
    current_token_hash text not null,
    revoked_at timestamptz null,
    revoked_reason text null,
    last_used_at timestamptz null,
    expires_at timestamptz not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint refresh_token_families_pkey primary key (id),
    constraint refresh_token_families_current_token_hash_unique unique (current_token_hash),
    constraint refresh_token_families_user_id_foreign foreign key (user_id) references users (id) on delete cascade
  )`,
  `create index refresh_token_families_user_id_index on refresh_token_families (user_id)`,

  // The actor is set null, not cascaded: the trail outlives a deleted admin.
  `create table audit_events (
    id uuid not null default gen_random_uuid(),
    actor_user_id uuid null,
    action text not null,
    target_type text not null,
    target_id text null,
    ip text null,
    before jsonb null,
    after jsonb null,
    created_at timestamptz not null default now(),
    constraint audit_events_pkey primary key (id),
    constraint audit_events_actor_user_id_foreign foreign key (actor_user_id) references users (id) on delete set null
  )`,
  `create index audit_events_target_index on audit_events (target_type, target_id)`,
  `create index audit_events_actor_user_id_created_at_index on audit_events (actor_user_id, created_at)`,

  `create table error_logs (
    id uuid not null default gen_random_uuid(),
    user_id uuid null,
    telegram_account_id uuid null,
    discord_account_id uuid null,
    error_type text not null,
    message text not null,
    context jsonb null,
    created_at timestamptz not null default now(),
    constraint error_logs_pkey primary key (id),
    constraint error_logs_user_id_foreign foreign key (user_id) references users (id) on delete cascade,
    constraint error_logs_telegram_account_id_foreign
      foreign key (telegram_account_id) references telegram_accounts (id) on delete set null,
    constraint error_logs_discord_account_id_foreign
      foreign key (discord_account_id) references discord_accounts (id) on delete set null
  )`,
  `create index error_logs_user_id_created_at_index on error_logs (user_id, created_at)`,
];

/** Children before parents, so no `cascade` is needed and nothing else is dropped by accident. */
const TABLES_DROP_ORDER = [
  'error_logs',
  'audit_events',
  'refresh_token_families',
  'api_keys',
  'payments',
  'message_links',
  'forwarding_pairs',
  'discord_accounts',
  'telegram_accounts',
  'usage_periods',
  'user_subscriptions',
  'subscription_plans',
  'users',
];

export class InitialSchema extends Migration {
  override name = '20261122000000-initial-schema';

  override up(): void {
    for (const sql of UP) this.addSql(sql);
  }

  override down(): void {
    for (const table of TABLES_DROP_ORDER) this.addSql(`drop table ${table}`);
  }
}
