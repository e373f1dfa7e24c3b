import assert from 'node:assert/strict';
import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { migrateDown, migrateUp, migrationStatus } from '../../../src/db/migrator.ts';
import { MIGRATIONS_TABLE } from '../../../src/db/orm-options.ts';
import { UnknownMigrationError } from '../../../src/errors/registry.ts';
import { SWITCHBOARD_TABLES, catalogClient, indexesIn, openSuiteDatabase, suiteSchema, tablesIn } from './fixture.ts';

const INITIAL = '20261122000000-initial-schema';
const AUTH_TOKENS = '20261123000100-auth-tokens';
const TELEGRAM_LOGIN = '20261204171700-telegram-login';
const PAIR_DELIVERY_NOTICE = '20261204184000-pair-delivery-notice';
const PAIR_TOPICS = '20261206020000-pair-topics';
const TOPIC_LINKS = '20261206050000-topic-links';
const CHAT_LINKS = '20261206060000-chat-links';
const BILLING = '20261207090000-billing';
/** Every migration, oldest first. */
const ALL = [INITIAL, AUTH_TOKENS, TELEGRAM_LOGIN, PAIR_DELIVERY_NOTICE, PAIR_TOPICS, TOPIC_LINKS, CHAT_LINKS, BILLING];
/** Tables the last migration creates, gone after reverting only it. */
const LAST_TABLES: string[] = ['billing_customers', 'billing_events'];

describe('db migrations', function () {
  const schema = suiteSchema('dbmig');
  let orm: MikroORM;
  let client: pg.Client;
  let publicBefore: string[];

  before(async () => {
    client = await catalogClient();
    publicBefore = await tablesIn(client, 'public');
    orm = await openSuiteDatabase('dbmig', false);
  });

  after(async () => {
    await orm?.close(true);
    await client?.end();
  });

  it('creates the schema on open and starts with every migration pending', async () => {
    const { rowCount } = await client.query('select 1 from pg_namespace where nspname = $1', [schema]);
    assert.equal(rowCount, 1);
    assert.deepEqual(await tablesIn(client, schema), []);
    assert.deepEqual(await migrationStatus(orm), { executed: [], pending: ALL });
    assert.deepEqual(await tablesIn(client, schema), [MIGRATIONS_TABLE], 'bookkeeping lives in the same schema');
  });

  it('applies every migration to the configured schema and nowhere else', async () => {
    const started = performance.now();
    const applied = await migrateUp(orm);
    const ms = performance.now() - started;
    console.log(`      migrate-up on an empty schema: ${ms.toFixed(1)} ms`);
    assert.deepEqual(applied, ALL);
    assert.deepEqual(await tablesIn(client, schema), [...SWITCHBOARD_TABLES, MIGRATIONS_TABLE].sort());
    assert.deepEqual(await tablesIn(client, 'public'), publicBefore);
    assert.deepEqual(await migrationStatus(orm), { executed: ALL, pending: [] });
  });

  it('creates the key indexes', async () => {
    const indexes = await indexesIn(client, schema);
    const expectIndex = (name: string, pattern: RegExp) => {
      const def = indexes.get(name);
      assert.ok(def, `index ${name} is missing`);
      assert.match(def, pattern);
    };
    expectIndex('users_email_unique', /UNIQUE INDEX .* \(email\)/);
    expectIndex('subscription_plans_name_unique', /UNIQUE INDEX .* \(name\)/);
    expectIndex('user_subscriptions_one_current_unique', /UNIQUE INDEX .* \(user_id\) WHERE \(status = ANY \(ARRAY\['active'::text, 'trial'::text\]\)\)/);
    expectIndex('usage_periods_user_id_period_start_unique', /UNIQUE INDEX .* \(user_id, period_start\)/);
    expectIndex('telegram_accounts_user_id_phone_unique', /UNIQUE INDEX .* \(user_id, phone\)/);
    expectIndex('discord_accounts_user_id_bot_user_id_unique', /UNIQUE INDEX .* \(user_id, bot_user_id\)/);
    expectIndex('forwarding_pairs_source_index', /\(source_platform, source_account_id, source_chat_id\)/);
    expectIndex('message_links_idempotency_key_unique', /UNIQUE INDEX .* \(idempotency_key\)/);
    expectIndex('message_links_pair_id_source_unique', /UNIQUE INDEX .* \(pair_id, source_chat_id, source_message_id\)/);
    expectIndex('api_keys_prefix_unique', /UNIQUE INDEX .* \(prefix\)/);
    expectIndex('audit_events_target_index', /\(target_type, target_id\)/);
    expectIndex('audit_events_actor_user_id_created_at_index', /\(actor_user_id, created_at\)/);
    for (const def of indexes.values()) assert.ok(def.includes(` ${schema}.`), `index outside ${schema}: ${def}`);
  });

  it('matches the entity definitions exactly (no schema diff)', async () => {
    // MikroORM reads the catalogue of every schema, not only this one: a table another suite's schema drops
    // meanwhile (files run side by side) fails the read with 42P01; read again rather than fail on it.
    const readDiff = async (attempt: number): Promise<string> => {
      try {
        return await orm.schema.getUpdateSchemaSQL({ wrap: false, schema });
      } catch (err) {
        if (attempt === 3 || (err as { code?: string }).code !== '42P01') throw err;
        return readDiff(attempt + 1);
      }
    };
    assert.equal((await readDiff(1)).trim(), '');
  });

  it('refuses to roll back to a migration that is not applied, reverting nothing', async () => {
    await assert.rejects(migrateDown(orm, { to: 'no-such-migration' }), (err) => {
      assert.ok(err instanceof UnknownMigrationError);
      assert.equal(err.code, 'unknown_migration');
      return true;
    });
    assert.deepEqual((await migrationStatus(orm)).executed, ALL);
  });

  it('rolls back to zero, leaving only the migrator bookkeeping table', async () => {
    const reverted = await migrateDown(orm, { to: 0 });
    assert.deepEqual(reverted, [...ALL].reverse());
    assert.deepEqual(await tablesIn(client, schema), [MIGRATIONS_TABLE]);
    assert.deepEqual(await migrationStatus(orm), { executed: [], pending: ALL });
  });

  it('applies again after a full rollback', async () => {
    assert.deepEqual(await migrateUp(orm), ALL);
    assert.deepEqual(await tablesIn(client, schema), [...SWITCHBOARD_TABLES, MIGRATIONS_TABLE].sort());
    assert.deepEqual(await migrateUp(orm), [], 'a second up has nothing to do');
  });

  it('reverts only the last migration without --to', async () => {
    assert.deepEqual(await migrateDown(orm), [BILLING]);
    const remaining = SWITCHBOARD_TABLES.filter((t) => !LAST_TABLES.includes(t));
    assert.deepEqual(await tablesIn(client, schema), [...remaining, MIGRATIONS_TABLE].sort());
  });
});
