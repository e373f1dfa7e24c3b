/**
 * Shared by the database suites: a migrated ORM in a schema of its own (a
 * suffix of this run's TEST_SCHEMA, dropped by the root hook) and a plain pg
 * client for looking at the catalog behind the ORM's back.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { migrateUp } from '../../../src/db/migrator.ts';
import { openDatabase } from '../../../src/db/open-database.ts';
import { TEST_DATABASE_URL, TEST_SCHEMA } from '../../helpers/namespace.ts';

/** Every table the migrations create. */
export const SWITCHBOARD_TABLES = [
  'api_keys',
  'audit_events',
  'auth_tokens',
  'billing_customers',
  'billing_events',
  'chat_links',
  'discord_accounts',
  'error_logs',
  'forwarding_pairs',
  'message_links',
  'payments',
  'refresh_token_families',
  'subscription_plans',
  'telegram_accounts',
  'topic_links',
  'totp_recovery_codes',
  'usage_periods',
  'user_subscriptions',
  'users',
] as const;

export function suiteSchema(suffix: string): string {
  return `${TEST_SCHEMA}_${suffix}`;
}

/** Opens the database in `<TEST_SCHEMA>_<suffix>` (on `databaseUrl`, default the tests' server), optionally migrated. */
export async function openSuiteDatabase(suffix: string, migrate = true, databaseUrl = TEST_DATABASE_URL): Promise<MikroORM> {
  const orm = await openDatabase({ databaseUrl, schema: suiteSchema(suffix), poolMax: 4 });
  if (migrate) await migrateUp(orm);
  return orm;
}

export async function catalogClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  return client;
}

export async function tablesIn(client: pg.Client, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE' order by table_name`,
    [schema],
  );
  return rows.map((r) => r.table_name);
}

export async function indexesIn(client: pg.Client, schema: string): Promise<Map<string, string>> {
  const { rows } = await client.query<{ indexname: string; indexdef: string }>(
    'select indexname, indexdef from pg_indexes where schemaname = $1',
    [schema],
  );
  return new Map(rows.map((r) => [r.indexname, r.indexdef]));
}
