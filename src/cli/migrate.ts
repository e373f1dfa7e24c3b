/**
 * `npm run migrate -- up|down|status [--json]`: database migrations against
 * DATABASE_URL / DATABASE_SCHEMA. `up` also seeds the plans, as a start does.
 * Exit codes: 0 done, 1 failed, 2 misconfigured.
 */
import { Command } from 'commander';
import type { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig, type Config } from '../config/load-config.ts';
import { DatabaseUrlMissingError } from '../errors/registry.ts';
import { SwitchboardError } from '../errors/switchboard-error.ts';
import { migrateDown, migrateUp, migrationStatus } from '../db/migrator.ts';
import { openDatabase } from '../db/open-database.ts';
import { seedPlans } from '../db/seed-plans.ts';

interface JsonFlag {
  json?: boolean;
}

function print(json: boolean | undefined, data: object, text: string): void {
  console.log(json ? JSON.stringify(data) : text);
}

function fail(json: boolean | undefined, err: unknown, exitCode: number): never {
  if (json) {
    const body = err instanceof SwitchboardError ? err.toJSON() : { error: { code: 'internal', message: String((err as Error)?.message ?? err) } };
    console.log(JSON.stringify(body));
  } else {
    console.error(err instanceof Error ? err.message : String(err));
  }
  process.exit(exitCode);
}

function configOrExit(json: boolean | undefined): Config & { DATABASE_URL: string } {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    fail(json, err, 2);
  }
  if (config.DATABASE_URL === undefined) fail(json, new DatabaseUrlMissingError({}), 2);
  return config as Config & { DATABASE_URL: string };
}

/** Opens the database, runs `task`, closes, and turns any error into exit code 1. */
async function withOrm(opts: JsonFlag, task: (orm: MikroORM, config: Config) => Promise<void>): Promise<void> {
  const config = configOrExit(opts.json);
  let orm: MikroORM | undefined;
  try {
    orm = await openDatabase({ databaseUrl: config.DATABASE_URL, schema: config.DATABASE_SCHEMA });
    await task(orm, config);
  } catch (err) {
    await orm?.close(true);
    fail(opts.json, err, 1);
  }
  await orm.close();
}

const list = (names: string[]) => (names.length === 0 ? '  (none)' : names.map((n) => `  ${n}`).join('\n'));

const program = new Command('migrate').description('Switchboard database migrations').showHelpAfterError();

program
  .command('up')
  .description('apply every pending migration, then seed the plans')
  .option('--json', 'print the result as JSON')
  .action((opts: JsonFlag) =>
    withOrm(opts, async (orm, config) => {
      const started = performance.now();
      const applied = await migrateUp(orm);
      const plans = await seedPlans(orm.em.fork());
      const ms = Math.round(performance.now() - started);
      print(opts.json, { schema: config.DATABASE_SCHEMA, applied, plans, ms },
        `Schema ${config.DATABASE_SCHEMA}: applied ${applied.length} migration(s) in ${ms} ms\n${list(applied)}\n` +
        `Plans: ${plans.inserted.length} inserted, ${plans.updated.length} updated, ${plans.unchanged.length} unchanged, ` +
        `${plans.deactivated.length} deactivated`);
    }));

program
  .command('down')
  .description('revert the last migration, or down to --to NAME (exclusive); --to 0 reverts all')
  .option('--to <name>', 'migration to stop at (it stays applied), or 0 for all')
  .option('--json', 'print the result as JSON')
  .action((opts: JsonFlag & { to?: string }) =>
    withOrm(opts, async (orm, config) => {
      const reverted = await migrateDown(orm, { to: opts.to === '0' ? 0 : opts.to });
      print(opts.json, { schema: config.DATABASE_SCHEMA, reverted },
        `Schema ${config.DATABASE_SCHEMA}: reverted ${reverted.length} migration(s)\n${list(reverted)}`);
    }));

program
  .command('status')
  .description('list executed and pending migrations')
  .option('--json', 'print the result as JSON')
  .action((opts: JsonFlag) =>
    withOrm(opts, async (orm, config) => {
      const status = await migrationStatus(orm);
      print(opts.json, { schema: config.DATABASE_SCHEMA, ...status },
        `Schema ${config.DATABASE_SCHEMA}\nExecuted:\n${list(status.executed)}\nPending:\n${list(status.pending)}`);
    }));

await program.parseAsync(process.argv);
