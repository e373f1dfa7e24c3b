/**
 * Brings the database up for the service: DATABASE_URL if set, else the
 * embedded PostgreSQL under DATA_DIR; then the ORM, the migrations and the
 * plan catalogue, so the process starts on a current schema.
 */
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from '../config/load-config.ts';
import { migrateUp } from '../db/migrator.ts';
import { openDatabase } from '../db/open-database.ts';
import { seedPlans } from '../db/seed-plans.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

/** Where the database comes from. */
export type DatabaseKind = 'external' | 'embedded';

export interface DatabaseHandle {
  orm: MikroORM;
  /** URL in use, password included: redact before logging. */
  url: string;
  kind: DatabaseKind;
  /** Closes the ORM's pool. */
  closeOrm(): Promise<void>;
  /** Stops the embedded server; does nothing for an external one. Call after {@link closeOrm}. */
  stopServer(): Promise<void>;
}

export interface DatabaseProviderOptions {
  config: Pick<Config, 'DATABASE_URL' | 'DATABASE_SCHEMA' | 'DATA_DIR' | 'EMBEDDED_PG_PORT'>;
  logger: Logger;
}

/**
 * Opens the database, migrated and seeded. If anything fails after the
 * embedded server started, the server is stopped before the error is thrown.
 */
export async function provideDatabase(options: DatabaseProviderOptions): Promise<DatabaseHandle> {
  const { config, logger } = options;
  const embedded = config.DATABASE_URL === undefined
    ? await startEmbeddedPostgres({ root: join(config.DATA_DIR, 'postgres'), port: config.EMBEDDED_PG_PORT, logger })
    : null;
  const url = embedded?.url ?? config.DATABASE_URL ?? '';
  const stopServer = async () => { await embedded?.stop(); };

  let orm: MikroORM | undefined;
  try {
    orm = await openDatabase({ databaseUrl: url, schema: config.DATABASE_SCHEMA, logger });
    const started = performance.now();
    const applied = await migrateUp(orm);
    const seeded = await seedPlans(orm.em.fork());
    logger.info({
      schema: config.DATABASE_SCHEMA,
      migrationsApplied: applied,
      plansInserted: seeded.inserted,
      plansUpdated: seeded.updated,
      ms: Math.round(performance.now() - started),
    }, 'Database schema is current');
  } catch (error) {
    await orm?.close(true).catch(() => {});
    await stopServer();
    throw error;
  }
  const opened = orm;
  return {
    orm: opened,
    url,
    kind: embedded ? 'embedded' : 'external',
    closeOrm: async () => { await opened.close(true); },
    stopServer,
  };
}
