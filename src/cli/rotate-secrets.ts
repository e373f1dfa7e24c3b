/**
 * `npm run secrets:rotate`: re-encrypts every stored secret under the
 * current key (SECRET_KEY_CURRENT, else the last key of SECRET_KEYS), so an
 * old key can then be removed. Safe while the service runs and safe to re-run.
 *
 * Exit codes: 0 done, 1 rotation failed (e.g. a secret under an unknown key;
 * the table and row are printed), 2 configuration problem.
 */
import { Command, InvalidArgumentError } from 'commander';
import pg from 'pg';
import pino from 'pino';
import { loadConfig, type Config } from '../config/load-config.ts';
import { keyringFromConfig } from '../crypto/keyring.ts';
import { pgSecretStore } from '../crypto/pg-secret-store.ts';
import { rotateSecrets, type RotationResult } from '../crypto/rotate-secrets.ts';
import { SECRET_COLUMNS } from '../db/secret-columns.ts';
import { ConfigInvalidError } from '../errors/registry.ts';
import { SwitchboardError } from '../errors/switchboard-error.ts';
import { componentLogger, createLogger } from '../logging/logger.ts';

interface Options {
  json: boolean;
  batchSize: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

const program = new Command('rotate-secrets')
  .description('Re-encrypt every stored secret under the current key of SECRET_KEYS')
  .option('--json', 'print the result (or the error) as JSON on stdout', false)
  .option('--batch-size <rows>', 'rows re-encrypted per transaction', positiveInt, 500)
  // Usage mistakes share exit code 2 with configuration mistakes; --help stays 0.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
  .action(run);

async function run(options: Options): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigInvalidError) return fail(options, err, 2);
    throw err;
  }
  if (config.DATABASE_URL === undefined) {
    return fail(options, new ConfigInvalidError({
      problems: ['DATABASE_URL is not set: rotate-secrets works on an existing database; set DATABASE_URL (and DATABASE_SCHEMA) to the database holding the secrets'],
    }), 2);
  }
  // Logs go to stderr so stdout carries only the summary (or the JSON).
  const logger = componentLogger(createLogger(config, 'cli', pino.destination(2)), 'cli', { command: 'rotate-secrets' });
  let keyring;
  try {
    keyring = keyringFromConfig(config, logger);
  } catch (err) {
    if (err instanceof ConfigInvalidError) return fail(options, err, 2);
    throw err;
  }
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
  try {
    const results = await rotateSecrets(pgSecretStore(pool), keyring, SECRET_COLUMNS, {
      batchSize: options.batchSize,
      schema: config.DATABASE_SCHEMA,
      logger,
    });
    print(options, keyring.current, config.DATABASE_SCHEMA, results);
  } catch (err) {
    return fail(options, err, 1);
  } finally {
    await pool.end();
  }
}

function print(options: Options, keyId: string, schema: string, results: RotationResult[]): void {
  if (options.json) {
    console.log(JSON.stringify({ keyId, schema, results }));
    return;
  }
  const rotated = results.reduce((sum, r) => sum + r.rotated, 0);
  console.log(`Rotated ${rotated} secret(s) to key "${keyId}" in schema "${schema}":`);
  const width = Math.max(...results.map((r) => `${r.table}.${r.column}`.length), 0);
  for (const r of results) {
    console.log(`  ${`${r.table}.${r.column}`.padEnd(width)}  rotated ${r.rotated}, already current ${r.alreadyCurrent}`);
  }
}

function fail(options: Options, err: unknown, exitCode: number): void {
  process.exitCode = exitCode;
  if (err instanceof SwitchboardError) {
    if (options.json) console.log(JSON.stringify(err.toJSON()));
    else console.error(`rotate-secrets: ${err.message} [${err.code}]`);
    return;
  }
  // Driver errors (connection refused, missing schema...) are not ours to
  // reword; their message is enough and carries no secret.
  const message = err instanceof Error ? err.message : String(err);
  if (options.json) console.log(JSON.stringify({ error: { code: 'internal_error', message } }));
  else console.error(`rotate-secrets: ${message}`);
}

await program.parseAsync();
