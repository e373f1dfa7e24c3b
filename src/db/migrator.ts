/**
 * Runs the migrations of `migrations/index.ts` against the ORM's configured
 * schema. Each run is one transaction: a failing migration leaves nothing behind.
 */
import type { MikroORM } from '@mikro-orm/core';
import { UnknownMigrationError } from '../errors/registry.ts';

/** Names of the migrations a call applied or reverted, in the order it ran them. */
export type MigrationNames = string[];

/** Applies every pending migration. */
export async function migrateUp(orm: MikroORM): Promise<MigrationNames> {
  const done = await orm.migrator.up();
  return done.map((m) => m.name);
}

export interface MigrateDownOptions {
  /**
   * Revert down to (not including) this migration; `0` reverts all of them.
   * Default: only the last applied migration.
   */
  to?: string | 0;
}

/**
 * Reverts applied migrations, newest first. A `to` that is not applied throws
 * `unknown_migration`: MikroORM would otherwise revert everything.
 */
export async function migrateDown(orm: MikroORM, opts: MigrateDownOptions = {}): Promise<MigrationNames> {
  if (typeof opts.to === 'string') {
    const executed = (await orm.migrator.getExecuted()).map((m) => m.name);
    if (!executed.includes(opts.to)) throw new UnknownMigrationError({ migration: opts.to, executed });
  }
  const done = await orm.migrator.down(opts.to === undefined ? undefined : { to: opts.to });
  return done.map((m) => m.name);
}

/** Which migrations ran in this schema and which have not, each oldest first. */
export async function migrationStatus(orm: MikroORM): Promise<{ executed: string[]; pending: string[] }> {
  const executed = await orm.migrator.getExecuted();
  const pending = await orm.migrator.getPending();
  return { executed: executed.map((m) => m.name), pending: pending.map((m) => m.name) };
}
