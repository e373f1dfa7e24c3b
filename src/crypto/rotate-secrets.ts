/**
 * Re-encrypts stored secrets under the keyring's current key, so an old key
 * can be dropped from SECRET_KEYS afterwards.
 *
 * Safe beside a running service: each batch locks its rows (FOR UPDATE SKIP
 * LOCKED), reads them under the lock and commits on its own, so a writer
 * either waits for the batch or is waited for, and no newer value is ever
 * overwritten. Rows skipped because a writer held them, and rows written
 * under an old key meanwhile, are picked up by further passes; the run ends
 * when a pass finds nothing left (waiting for locks only in that last check).
 * Safe to re-run after an interruption: only envelopes not yet under the
 * current key are selected, so committed batches are not redone.
 *
 * Before touching anything it checks every column for secrets no configured
 * key can open and refuses to start if it finds one, naming table and row. A
 * secret that still fails mid-run (tampered, or written meanwhile under an
 * unknown key) aborts the run with the same error; its batch rolls back and
 * the batches committed before it are complete and stay valid.
 */
import type { Logger } from 'pino';
import { InvalidOptionError, SecretColumnInvalidError, SecretRotationBlockedError } from '../errors/registry.ts';
import { SwitchboardError } from '../errors/switchboard-error.ts';
import type { Keyring } from './keyring.ts';
import { columnContext, envelopeKeyId, envelopePrefix, openSecret, sealSecret } from './secret-box.ts';
import { quoteIdent, type SqlRunner, type SqlStore } from './sql-store.ts';

/** A column holding sealed secrets, with the primary key its AAD context names. */
export interface SecretColumnRef {
  /** Table name, unquoted. */
  table: string;
  /** Column holding envelopes (text; NULL means no secret). */
  column: string;
  /** Primary-key column; its text form is the row id in the AAD context. */
  idColumn: string;
}

/** Options of {@link rotateSecrets}. */
export interface RotateSecretsOptions {
  /** Rows re-encrypted per transaction. Default `500`. */
  batchSize?: number;
  /** Schema holding the tables. Default `public`. */
  schema?: string;
  /** Receives one line per column and per batch (debug). Default: silent. */
  logger?: Pick<Logger, 'info' | 'debug'>;
}

/** What happened to one column. */
export interface RotationResult {
  table: string;
  column: string;
  /** Secrets re-encrypted under the current key by this run. */
  rotated: number;
  /** Secrets already under the current key when the run started. */
  alreadyCurrent: number;
}

/** How many blocked rows an error lists; the total is always given. */
const REPORT_LIMIT = 50;

interface Target extends SecretColumnRef {
  schema: string;
  /** SQL type of the id column, as `format_type` prints it. */
  idType: string;
  /** `"schema"."table"`. */
  qualified: string;
}

/** One row a rotation cannot re-encrypt, as its error reports it. */
type Blocked = InstanceType<typeof SecretRotationBlockedError>['details']['rows'][number];

/** Re-encrypts every secret in `columns` not already under `keyring.current`, column by column. */
export async function rotateSecrets(
  store: SqlStore,
  keyring: Keyring,
  columns: readonly SecretColumnRef[],
  opts: RotateSecretsOptions = {},
): Promise<RotationResult[]> {
  const batchSize = opts.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidOptionError({ option: 'batchSize', message: 'batchSize must be a positive whole number' });
  }
  const schema = opts.schema ?? 'public';
  const targets: Target[] = [];
  for (const c of columns) targets.push(await describeColumn(store, schema, c));

  const currentCounts: number[] = [];
  const blocked: Blocked[] = [];
  let blockedTotal = 0;
  for (const t of targets) {
    const check = await preflight(store, keyring, t);
    currentCounts.push(check.alreadyCurrent);
    blocked.push(...check.blocked);
    blockedTotal += check.total;
  }
  if (blockedTotal > 0) {
    throw new SecretRotationBlockedError({ rows: blocked.slice(0, REPORT_LIMIT), total: blockedTotal });
  }

  const results: RotationResult[] = [];
  for (const [i, t] of targets.entries()) {
    const rotated = await rotateColumn(store, keyring, t, batchSize, opts.logger);
    const result = { table: t.table, column: t.column, rotated, alreadyCurrent: currentCounts[i] ?? 0 };
    opts.logger?.info({ ...result, keyId: keyring.current }, 'secret column rotated');
    results.push(result);
  }
  return results;
}

async function describeColumn(store: SqlRunner, schema: string, ref: SecretColumnRef): Promise<Target> {
  const { rows } = await store.query<{ name: string; type: string; category: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typcategory AS category
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attname = ANY($3::text[])
        AND a.attnum > 0 AND NOT a.attisdropped`,
    [schema, ref.table, [ref.column, ref.idColumn]],
  );
  const secret = rows.find((r) => r.name === ref.column);
  const id = rows.find((r) => r.name === ref.idColumn);
  const invalid = (column: string, reason: string) =>
    new SecretColumnInvalidError({ schema, table: ref.table, column, reason });
  if (!secret) throw invalid(ref.column, 'does not exist');
  if (!id) throw invalid(ref.idColumn, 'does not exist');
  if (secret.category !== 'S') throw invalid(ref.column, `is ${secret.type}, not a text column`);
  return { ...ref, schema, idType: id.type, qualified: `${quoteIdent(schema)}.${quoteIdent(ref.table)}` };
}

/** Counts secrets already current and lists those no configured key can open, without reading any other value. */
async function preflight(
  store: SqlRunner,
  keyring: Keyring,
  t: Target,
): Promise<{ alreadyCurrent: number; blocked: Blocked[]; total: number }> {
  const col = quoteIdent(t.column);
  const idCol = quoteIdent(t.idColumn);
  const counted = await store.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${t.qualified} WHERE starts_with(${col}, $1)`,
    [envelopePrefix(keyring.current)],
  );
  const known = [...keyring.keys.keys()].map(envelopePrefix);
  const { rows } = await store.query<{ id: string; envelope: string; total: number }>(
    `SELECT s.${idCol}::text AS id, s.${col} AS envelope, (count(*) OVER ())::int AS total
       FROM ${t.qualified} s
      WHERE s.${col} IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM unnest($1::text[]) AS p(prefix) WHERE starts_with(s.${col}, p.prefix))
      ORDER BY s.${idCol}
      LIMIT ${REPORT_LIMIT}`,
    [known],
  );
  return {
    alreadyCurrent: counted.rows[0]?.n ?? 0,
    blocked: rows.map((r) => {
      try {
        return { table: t.table, column: t.column, id: r.id, code: 'secret_key_unknown', keyId: envelopeKeyId(r.envelope) };
      } catch (err) {
        return blockedRow(t, r.id, err);
      }
    }),
    total: rows[0]?.total ?? 0,
  };
}

/** Describes why a row cannot be opened; only the error code and key id leave here, never the value. */
function blockedRow(t: Target, id: string, err: unknown): Blocked {
  if (!(err instanceof SwitchboardError)) throw err;
  const keyId = typeof err.details.keyId === 'string' ? err.details.keyId : undefined;
  return { table: t.table, column: t.column, id, code: err.code, ...(keyId === undefined ? {} : { keyId }) };
}

async function rotateColumn(
  store: SqlStore,
  keyring: Keyring,
  t: Target,
  batchSize: number,
  logger: RotateSecretsOptions['logger'],
): Promise<number> {
  let rotated = 0;
  // Keyset pagination keeps each batch an index range, not a rescan from
  // the start; `undefined` starts a new pass from the first row.
  let after: string | undefined;
  for (;;) {
    let batch = await rotateBatch(store, keyring, t, batchSize, after, true);
    if (batch.count === 0 && after !== undefined) {
      after = undefined;
      continue;
    }
    if (batch.count === 0) {
      // Nothing unlocked is left; wait for rows writers still hold, once.
      batch = await rotateBatch(store, keyring, t, batchSize, undefined, false);
      if (batch.count === 0) return rotated;
    }
    rotated += batch.count;
    after = batch.lastId;
    logger?.debug({ table: t.table, column: t.column, rows: batch.count, rotated }, 'secret batch rotated');
  }
}

async function rotateBatch(
  store: SqlStore,
  keyring: Keyring,
  t: Target,
  batchSize: number,
  after: string | undefined,
  skipLocked: boolean,
): Promise<{ count: number; lastId?: string }> {
  const col = quoteIdent(t.column);
  const idCol = quoteIdent(t.idColumn);
  // Columns are qualified with the table alias throughout: a bare `ORDER BY
  // "id"` would sort by the text output column of the same name, not the key.
  return store.transaction(async (tx) => {
    const params: unknown[] = [envelopePrefix(keyring.current), batchSize];
    if (after !== undefined) params.push(after);
    const { rows } = await tx.query<{ id: string; envelope: string }>(
      `SELECT s.${idCol}::text AS id, s.${col} AS envelope
         FROM ${t.qualified} s
        WHERE s.${col} IS NOT NULL AND NOT starts_with(s.${col}, $1)
          ${after === undefined ? '' : `AND s.${idCol} > $3::${t.idType}`}
        ORDER BY s.${idCol}
        LIMIT $2
        FOR UPDATE ${skipLocked ? 'SKIP LOCKED' : ''}`,
      params,
    );
    if (rows.length === 0) return { count: 0 };
    const ids: string[] = [];
    const envelopes: string[] = [];
    const blocked: Blocked[] = [];
    for (const row of rows) {
      const context = columnContext(t.table, t.column, row.id);
      try {
        envelopes.push(sealSecret(keyring, openSecret(keyring, row.envelope, context), context));
        ids.push(row.id);
      } catch (err) {
        blocked.push(blockedRow(t, row.id, err));
      }
    }
    // Throwing rolls the whole batch back: nothing in it is half-done.
    if (blocked.length > 0) {
      throw new SecretRotationBlockedError({ rows: blocked.slice(0, REPORT_LIMIT), total: blocked.length });
    }
    const updated = await tx.query(
      `UPDATE ${t.qualified} AS s SET ${col} = v.envelope
         FROM unnest($1::text[], $2::text[]) AS v(id, envelope)
        WHERE s.${idCol} = v.id::${t.idType}
        RETURNING 1`,
      [ids, envelopes],
    );
    // Without this a non-unique id column, or one whose text form does not
    // cast back, would loop forever or seal one row under another's context.
    if (updated.rows.length !== ids.length) {
      throw new SecretColumnInvalidError({
        schema: t.schema, table: t.table, column: t.idColumn,
        reason: `does not identify rows one to one (${ids.length} ids matched ${updated.rows.length} rows); it must be the primary key`,
      });
    }
    return { count: rows.length, lastId: rows[rows.length - 1]?.id };
  });
}
