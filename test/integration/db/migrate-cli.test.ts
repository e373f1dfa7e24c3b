import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { MIGRATIONS } from '../../../src/db/migrations/index.ts';
import { testEnv } from '../../helpers/namespace.ts';
import { SWITCHBOARD_TABLES, catalogClient, suiteSchema, tablesIn } from './fixture.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
// The node running mocha (v24) with tsx's loader, resolved here so the child's cwd does not matter.
const TSX_LOADER = import.meta.resolve('tsx');
const CLI = join(ROOT, 'src/cli/migrate.ts');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Runs from an empty folder so a developer's .env cannot leak into the test.
async function cli(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', TSX_LOADER, CLI, ...args], { env, cwd });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('migrate CLI', function () {
  this.timeout(60_000);
  const schema = suiteSchema('dbcli');
  let cwd: string;

  before(() => {
    cwd = mkdtempSync(join(tmpdir(), 'sb-migrate-cli-'));
  });

  after(() => {
    rmSync(cwd, { recursive: true, force: true });
  });

  it('exits 2 with a clear message when DATABASE_URL is unset', async () => {
    const env = testEnv();
    delete env.DATABASE_URL;
    const text = await cli(['status'], env, cwd);
    assert.equal(text.code, 2);
    assert.match(text.stderr, /DATABASE_URL is not set; npm start runs migrations on its embedded PostgreSQL/);
    const json = await cli(['up', '--json'], env, cwd);
    assert.equal(json.code, 2);
    assert.equal(JSON.parse(json.stdout).error.code, 'database_url_missing');
  });

  it('applies, reports and reverts migrations with --json', async () => {
    const env = testEnv({ DATABASE_SCHEMA: schema });
    const up = await cli(['up', '--json'], env, cwd);
    assert.equal(up.code, 0, up.stderr);
    const applied = JSON.parse(up.stdout);
    assert.equal(applied.schema, schema);
    assert.equal(applied.applied.length, MIGRATIONS.length);
    assert.deepEqual(applied.plans.inserted, ['free', 'pro', 'elite']);

    const status = await cli(['status', '--json'], env, cwd);
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual(JSON.parse(status.stdout), { schema, executed: applied.applied, pending: [] });

    const client = await catalogClient();
    try {
      assert.deepEqual(await tablesIn(client, schema), [...SWITCHBOARD_TABLES, 'mikro_orm_migrations'].sort());

      const typo = await cli(['down', '--to', 'nope', '--json'], env, cwd);
      assert.equal(typo.code, 1);
      assert.equal(JSON.parse(typo.stdout).error.code, 'unknown_migration');

      const down = await cli(['down', '--to', '0', '--json'], env, cwd);
      assert.equal(down.code, 0, down.stderr);
      assert.deepEqual(JSON.parse(down.stdout).reverted, [...applied.applied].reverse());
      assert.deepEqual(await tablesIn(client, schema), ['mikro_orm_migrations']);
    } finally {
      await client.end();
    }
  });
});
