/**
 * The one place MikroORM is configured. The schema is a runtime option (one
 * per deployment, one per test run), so entities and migrations never name it:
 * queries are qualified with `schema`, and migrations run with
 * `search_path` set to it and keep their bookkeeping table there too.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoggerNamespace, Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type pino from 'pino';
import { ENTITIES } from './entities/index.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { PinoOrmLogger } from './orm-logger.ts';

/** Folder of the migration files, for `migrator.create` when writing a new one. */
export const MIGRATIONS_PATH = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Name of the table recording which migrations ran, inside the configured schema. */
export const MIGRATIONS_TABLE = 'mikro_orm_migrations';

export interface DatabaseOptions {
  /** `postgres://` URL of the server and database. */
  databaseUrl: string;
  /** Schema holding every Switchboard table, e.g. `public` or a test run's own schema. */
  schema: string;
  /** Log every query (without its parameters) at debug level. Default false. */
  debug?: boolean;
  /** Where ORM and migrator messages go. Default: MikroORM's console logger. */
  logger?: pino.Logger;
  /** Connections in the pool. Default 10 (MikroORM's default). */
  poolMax?: number;
}

/** Builds the MikroORM options for PostgreSQL; never synchronises the schema from entities. */
export function buildOrmOptions(opts: DatabaseOptions): Partial<Options<PostgreSqlDriver>> {
  // Never 'query-params': bound values include password hashes and sealed secrets.
  const debug: boolean | LoggerNamespace[] = opts.debug === true ? ['query', 'info'] : false;
  const logger = opts.logger;
  return {
    driver: PostgreSqlDriver,
    clientUrl: opts.databaseUrl,
    schema: opts.schema,
    entities: [...ENTITIES],
    extensions: [Migrator],
    allowGlobalContext: false,
    // The database is provisioned by the operator or the embedded server; the ORM only connects.
    ensureDatabase: false,
    debug,
    ...(logger ? { loggerFactory: () => new PinoOrmLogger(logger, debug) } : {}),
    ...(opts.poolMax !== undefined ? { pool: { max: opts.poolMax } } : {}),
    migrations: {
      path: MIGRATIONS_PATH,
      pathTs: MIGRATIONS_PATH,
      // Listed explicitly: no glob or dynamic import, so it works from any cwd and in a bundle.
      migrationsList: [...MIGRATIONS],
      tableName: MIGRATIONS_TABLE,
      schema: opts.schema,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: logger === undefined,
    },
  };
}
