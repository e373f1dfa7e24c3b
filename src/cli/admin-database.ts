/**
 * The CLI's database: DATABASE_URL, else the embedded PostgreSQL a running
 * `npm start` keeps under DATA_DIR (its password is in a file there), so the
 * first admin can be made on a machine that configured nothing.
 */
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config/load-config.ts';
import { openDatabase } from '../db/open-database.ts';
import { DependencyUnavailableError } from '../errors/registry.ts';
import { embeddedPostgresUrl } from '../infra/embedded-postgres.ts';
import { redactUrl } from '../infra/redact-url.ts';

type DatabaseConfig = Pick<Config, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'DATA_DIR' | 'EMBEDDED_PG_PORT'>;

export async function openAdminDatabase(config: DatabaseConfig): Promise<MikroORM> {
  const root = join(config.DATA_DIR, 'postgres');
  const url = config.DATABASE_URL ?? await embeddedPostgresUrl(root, config.EMBEDDED_PG_PORT);
  if (url === null) {
    throw new DependencyUnavailableError({
      dependency: 'PostgreSQL',
      reason: `DATABASE_URL is unset and there is no embedded PostgreSQL under ${root}: set DATABASE_URL, or start the service once (npm start)`,
    });
  }
  try {
    return await openDatabase({ databaseUrl: url, schema: config.DATABASE_SCHEMA, poolMax: 1 });
  } catch (error) {
    const where = config.DATABASE_URL === undefined ? `the embedded PostgreSQL (is npm start running?) at ${redactUrl(url)}` : redactUrl(url);
    throw new DependencyUnavailableError({ dependency: `PostgreSQL at ${where}`, reason: (error as Error).message }, { cause: error });
  }
}
