/**
 * Connects to PostgreSQL: creates the configured schema if it is missing,
 * then initialises MikroORM. Running migrations is the caller's next step.
 */
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type pino from 'pino';
import { DependencyUnavailableError } from '../errors/registry.ts';
import { buildOrmOptions } from './orm-options.ts';

export interface OpenDatabaseOptions {
  /** `postgres://` URL of the server and database. */
  databaseUrl: string;
  /** Schema holding every table; created when missing. */
  schema: string;
  /** Receives ORM and migrator messages. Default: none beyond MikroORM's console warnings. */
  logger?: pino.Logger;
  /** Log every query at debug level. Default false. */
  debug?: boolean;
  /** Connections in the pool. Default 10. */
  poolMax?: number;
}

/** Quotes an SQL identifier; the schema name comes from configuration, never from users. */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function ensureSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    await client.query(`create schema if not exists ${quoteIdent(schema)}`);
  } catch (err) {
    throw new DependencyUnavailableError({ dependency: 'PostgreSQL', reason: (err as Error).message }, { cause: err });
  } finally {
    await client.end().catch(() => {});
  }
}

/** Opens the database; throws `dependency_unavailable` when PostgreSQL cannot be reached. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<MikroORM> {
  await ensureSchema(opts.databaseUrl, opts.schema);
  const orm = await MikroORM.init(buildOrmOptions(opts));
  // MikroORM 7 connects lazily; connect now so a bad URL fails here, not on the first query.
  await orm.connect().catch(() => undefined);
  const check = await orm.checkConnection();
  if (!check.ok) {
    await orm.close(true);
    throw new DependencyUnavailableError({ dependency: 'PostgreSQL', reason: check.reason });
  }
  return orm;
}
