import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { parseKeyring, type Keyring } from '../../src/crypto/keyring.ts';
import { pgSecretStore } from '../../src/crypto/pg-secret-store.ts';
import { rotateSecrets, type SecretColumnRef } from '../../src/crypto/rotate-secrets.ts';
import { columnContext, envelopeKeyId, openSecret, sealSecret } from '../../src/crypto/secret-box.ts';
import type { SqlStore } from '../../src/crypto/sql-store.ts';
import { SecretRotationBlockedError } from '../../src/errors/registry.ts';
import { TEST_DATABASE_URL, TEST_SCHEMA, testEnv } from '../helpers/namespace.ts';

const KEYS = {
  a: Buffer.alloc(32, 0xa).toString('base64'),
  b: Buffer.alloc(32, 0xb).toString('base64'),
  c: Buffer.alloc(32, 0xc).toString('base64'),
};
const keyA = parseKeyring(`a:${KEYS.a}`);
const keyAB = parseKeyring(`a:${KEYS.a},b:${KEYS.b}`);
const keyC = parseKeyring(`c:${KEYS.c}`);
const SCHEMA = `${TEST_SCHEMA}_secrets`;
const q = (name: string) => `"${name}"`;

interface TestTable extends SecretColumnRef {
  idType: 'uuid' | 'bigint';
}

describe('rotateSecrets against PostgreSQL', function () {
  this.timeout(60_000);
  let pool: pg.Pool;
  let store: SqlStore;

  before(async () => {
    pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 6 });
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${q(SCHEMA)}`);
    store = pgSecretStore(pool);
  });
  after(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${q(SCHEMA)} CASCADE`);
    await pool.end();
  });

  /** A fresh table `name(id <idType> primary key, secret text)`. */
  async function table(name: string, idType: 'uuid' | 'bigint'): Promise<TestTable> {
    await pool.query(`CREATE TABLE ${q(SCHEMA)}.${q(name)} (id ${idType} PRIMARY KEY, secret text)`);
    return { table: name, column: 'secret', idColumn: 'id', idType };
  }

  /** Inserts rows sealed under `keyring`; returns id -> plaintext (null rows have no secret). */
  async function fill(ref: TestTable, keyring: Keyring, ids: Array<string | number>, nullEvery = 0): Promise<Map<string, string | null>> {
    const expected = new Map<string, string | null>();
    const envelopes = ids.map((id, i) => {
      const plain = nullEvery > 0 && i % nullEvery === 0 ? null : `secret-${id}-ключ`;
      expected.set(String(id), plain);
      return plain === null ? null : sealSecret(keyring, plain, columnContext(ref.table, ref.column, id));
    });
    await pool.query(
      `INSERT INTO ${q(SCHEMA)}.${q(ref.table)} (id, secret)
       SELECT v.id::${ref.idType}, v.s FROM unnest($1::text[], $2::text[]) AS v(id, s)
       ON CONFLICT (id) DO UPDATE SET secret = excluded.secret`,
      [ids.map(String), envelopes],
    );
    return expected;
  }

  /** Asserts every row is under `keyId` and opens to what `expected` says. */
  async function assertAllUnder(ref: SecretColumnRef, keyId: string, expected: Map<string, string | null>): Promise<void> {
    const { rows } = await pool.query<{ id: string; secret: string | null }>(`SELECT id::text AS id, secret FROM ${q(SCHEMA)}.${q(ref.table)}`);
    assert.equal(rows.length, expected.size);
    for (const row of rows) {
      const want = expected.get(row.id);
      if (want === null) {
        assert.equal(row.secret, null);
        continue;
      }
      assert.equal(envelopeKeyId(row.secret!), keyId, `row ${row.id}`);
      assert.equal(openSecret(keyAB, row.secret!, columnContext(ref.table, ref.column, row.id)), want);
    }
  }

  it('re-encrypts every row under the new key, then finds nothing to do', async () => {
    const uuids = await table('vault_uuid', 'uuid');
    const ints = await table('vault_int', 'bigint');
    const uuidIds = Array.from({ length: 1234 }, () => randomUUID());
    const intIds = Array.from({ length: 777 }, (_, i) => i + 1);
    const expectU = await fill(uuids, keyA, uuidIds, 10);
    const expectI = await fill(ints, keyA, intIds);
    // A few rows already under the new key must be counted, not redone.
    const preSealed = await fill(ints, keyAB, [1, 2, 3]);
    for (const [id, v] of preSealed) expectI.set(id, v);
    const before = await pool.query<{ secret: string }>(`SELECT secret FROM ${q(SCHEMA)}.vault_int WHERE id = 1`);

    let transactions = 0;
    const counting: SqlStore = {
      query: (sql, params) => store.query(sql, params),
      transaction: (work) => ((transactions += 1), store.transaction(work)),
    };
    const started = process.hrtime.bigint();
    const results = await rotateSecrets(counting, keyAB, [uuids, ints], { schema: SCHEMA, batchSize: 100 });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`      rotated ${results.reduce((s, r) => s + r.rotated, 0)} secrets in ${ms.toFixed(0)} ms (batch 100)`);

    assert.deepEqual(results, [
      { table: 'vault_uuid', column: 'secret', rotated: 1234 - 124, alreadyCurrent: 0 },
      { table: 'vault_int', column: 'secret', rotated: 774, alreadyCurrent: 3 },
    ]);
    // One pass in key order: the full batches, then three empty checks per
    // column (end of pass, fresh pass, lock wait).
    assert.equal(transactions, Math.ceil(1110 / 100) + 3 + Math.ceil(774 / 100) + 3);
    await assertAllUnder(uuids, 'b', expectU);
    await assertAllUnder(ints, 'b', expectI);
    const afterRow = await pool.query<{ secret: string }>(`SELECT secret FROM ${q(SCHEMA)}.vault_int WHERE id = 1`);
    assert.equal(afterRow.rows[0]!.secret, before.rows[0]!.secret, 'a current row is left untouched');

    const again = await rotateSecrets(store, keyAB, [uuids, ints], { schema: SCHEMA });
    assert.deepEqual(again, [
      { table: 'vault_uuid', column: 'secret', rotated: 0, alreadyCurrent: 1110 },
      { table: 'vault_int', column: 'secret', rotated: 0, alreadyCurrent: 777 },
    ]);
  });

  it('refuses to start when a secret is under an unknown key or malformed, and names the rows', async () => {
    const good = await table('vault_good', 'bigint');
    const bad = await table('vault_bad', 'bigint');
    await fill(good, keyA, [1, 2, 3]);
    await fill(bad, keyA, [10, 11, 12]);
    await fill(bad, keyC, [11]);
    await pool.query(`UPDATE ${q(SCHEMA)}.vault_bad SET secret = 'plain-bot-token-123' WHERE id = 12`);

    const err = await rotateSecrets(store, keyAB, [good, bad], { schema: SCHEMA }).then(
      () => assert.fail('expected the rotation to fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SecretRotationBlockedError);
    assert.equal(err.code, 'secret_rotation_blocked');
    assert.deepEqual(err.details, {
      total: 2,
      rows: [
        { table: 'vault_bad', column: 'secret', id: '11', code: 'secret_key_unknown', keyId: 'c' },
        { table: 'vault_bad', column: 'secret', id: '12', code: 'secret_malformed' },
      ],
    });
    assert.match(err.message, /vault_bad\.secret id=11: secret_key_unknown \(key "c"\)/);
    assert.ok(!err.message.includes('plain-bot-token'), 'the stored value is never echoed');
    const { rows } = await pool.query<{ secret: string }>(`SELECT secret FROM ${q(SCHEMA)}.vault_good`);
    assert.ok(rows.every((r) => envelopeKeyId(r.secret) === 'a'), 'nothing was rotated');
  });

  it('aborts on a secret that fails to open mid-run, rolling back only its batch', async () => {
    const ref = await table('vault_tampered', 'bigint');
    await fill(ref, keyA, Array.from({ length: 50 }, (_, i) => i + 1));
    // Row 25's envelope is well-formed under a known key but belongs to row 24.
    await pool.query(`UPDATE ${q(SCHEMA)}.vault_tampered SET secret = (SELECT secret FROM ${q(SCHEMA)}.vault_tampered WHERE id = 24) WHERE id = 25`);
    const err = await rotateSecrets(store, keyAB, [ref], { schema: SCHEMA, batchSize: 10 }).then(
      () => assert.fail('expected the rotation to fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SecretRotationBlockedError);
    assert.deepEqual(err.details.rows, [{ table: 'vault_tampered', column: 'secret', id: '25', code: 'secret_tampered', keyId: 'a' }]);
    const { rows } = await pool.query<{ secret: string }>(`SELECT secret FROM ${q(SCHEMA)}.vault_tampered ORDER BY id`);
    const under = rows.map((r) => envelopeKeyId(r.secret));
    assert.deepEqual(under.slice(0, 20), Array(20).fill('b'), 'batches before the bad one are committed');
    assert.deepEqual(under.slice(20), Array(30).fill('a'), 'the bad batch and later ones are untouched');
  });

  it('handles rows inserted, and rows locked by a writer, while it runs', async () => {
    const ref = await table('vault_live', 'bigint');
    const expected = await fill(ref, keyA, Array.from({ length: 300 }, (_, i) => i + 1));

    // A writer holds rows 150..155 in an open transaction, as the service would.
    const writer = await pool.connect();
    await writer.query('BEGIN');
    await writer.query(`SELECT 1 FROM ${q(SCHEMA)}.vault_live WHERE id BETWEEN 150 AND 155 FOR UPDATE`);

    let batches = 0;
    const watched: SqlStore = {
      query: (sql, params) => store.query(sql, params),
      async transaction(work) {
        batches += 1;
        if (batches === 3) {
          // An old-config process inserts rows behind and ahead of the cursor.
          for (const [id, v] of await fill(ref, keyA, [-5, -4, 301, 302, 1000])) expected.set(id, v);
          // ... and the writer, still holding its locks, stores a new secret
          // under the old key and commits a little later.
          const fresh = sealSecret(keyA, 'rewritten-152', columnContext('vault_live', 'secret', 152));
          expected.set('152', 'rewritten-152');
          await writer.query(`UPDATE ${q(SCHEMA)}.vault_live SET secret = $1 WHERE id = 152`, [fresh]);
          setTimeout(() => void writer.query('COMMIT').finally(() => writer.release()), 300);
        }
        return store.transaction(work);
      },
    };
    const [result] = await rotateSecrets(watched, keyAB, [ref], { schema: SCHEMA, batchSize: 40 });
    assert.equal(result!.rotated, 305);
    await assertAllUnder(ref, 'b', expected);
  });

  it('checks the listed columns exist', async () => {
    const ref = await table('vault_cols', 'bigint');
    await assert.rejects(rotateSecrets(store, keyAB, [{ ...ref, column: 'nope' }], { schema: SCHEMA }), { code: 'secret_column_invalid' });
    await assert.rejects(rotateSecrets(store, keyAB, [{ ...ref, idColumn: 'nope' }], { schema: SCHEMA }), { code: 'secret_column_invalid' });
    await assert.rejects(rotateSecrets(store, keyAB, [ref], { schema: SCHEMA, batchSize: 0 }), { code: 'invalid_option' });
  });
});

describe('rotate-secrets CLI', function () {
  this.timeout(60_000);
  const schema = `${TEST_SCHEMA}_secrets_cli`;
  const real = [
    { table: 'telegram_accounts', column: 'session_ciphertext' },
    { table: 'discord_accounts', column: 'token_ciphertext' },
    { table: 'users', column: 'totp_secret_ciphertext' },
  ];
  let pool: pg.Pool;

  before(async () => {
    pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
    for (const [i, { table, column }] of real.entries()) {
      await pool.query(`CREATE TABLE ${q(schema)}.${q(table)} (id uuid PRIMARY KEY, ${q(column)} text)`);
      for (let n = 0; n < 3 + i; n++) {
        const id = randomUUID();
        await pool.query(`INSERT INTO ${q(schema)}.${q(table)} VALUES ($1, $2)`, [id, sealSecret(keyA, `s${n}`, columnContext(table, column, id))]);
      }
    }
  });
  after(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${q(schema)} CASCADE`);
    await pool.end();
  });

  function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    // What `npx tsx src/cli/rotate-secrets.ts` runs, with this process's Node 24.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/rotate-secrets.ts', ...args], {
      env: testEnv({ DATABASE_SCHEMA: schema, SECRET_KEYS: `a:${KEYS.a},b:${KEYS.b}`, ...env }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  }

  it('rotates the real columns, prints a summary, and exits 0', async () => {
    const run = await cli([], {});
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Rotated 12 secret\(s\) to key "b" in schema "[^"]+":/);
    assert.match(run.stdout, /telegram_accounts\.session_ciphertext\s+rotated 3, already current 0/);
    assert.match(run.stdout, /users\.totp_secret_ciphertext\s+rotated 5, already current 0/);

    const again = await cli(['--json'], {});
    assert.equal(again.code, 0, again.stderr);
    const json = JSON.parse(again.stdout) as { keyId: string; results: Array<{ rotated: number; alreadyCurrent: number }> };
    assert.equal(json.keyId, 'b');
    assert.deepEqual(json.results.map((r) => [r.rotated, r.alreadyCurrent]), [[0, 3], [0, 4], [0, 5]]);
  });

  it('exits 1 naming the row when a secret is under an unknown key', async () => {
    const id = randomUUID();
    await pool.query(`INSERT INTO ${q(schema)}.discord_accounts VALUES ($1, $2)`, [id, sealSecret(keyC, 'tok', columnContext('discord_accounts', 'token_ciphertext', id))]);
    const run = await cli([], {});
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`discord_accounts\\.token_ciphertext id=${id}: secret_key_unknown \\(key "c"\\)`));
    const json = await cli(['--json'], {});
    assert.equal(json.code, 1);
    assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'secret_rotation_blocked');
    await pool.query(`DELETE FROM ${q(schema)}.discord_accounts WHERE id = $1`, [id]);
  });

  it('exits 2 when DATABASE_URL is unset', async () => {
    const run = await cli([], { DATABASE_URL: '' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /DATABASE_URL is not set/);
  });
});
