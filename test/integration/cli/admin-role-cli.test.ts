/**
 * `switchboard admin grant|revoke EMAIL`: how the first admin comes to be.
 * The real CLI in its own process against the API's schema; the change shows
 * on the user's very next request and is audited as the operator's.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditEvent } from '../../../src/db/entities/index.ts';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';
import { TEST_DATABASE_URL, testEnv } from '../../helpers/namespace.ts';

const CLI = fileURLToPath(new URL('../../../src/cli/switchboard.ts', import.meta.url));

function runCli(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...testEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('switchboard admin grant / revoke', function () {
  this.timeout(60_000);
  let h: ApiHarness;
  let env: Record<string, string>;

  before(async () => {
    h = await startApiHarness();
    env = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: h.ctx.config.DATABASE_SCHEMA };
  });
  after(async () => {
    await h?.close();
  });

  it('grants admin to a registered user, effective on their next request, and audits it', async () => {
    const u = await h.registerUser({ plan: 'pro' });
    assert.equal((await h.request('get', '/v1/admin/users', { token: u.accessToken })).status, 403);
    const granted = await runCli(['admin', 'grant', u.email.toUpperCase()], env);
    assert.equal(granted.code, 0, granted.stderr);
    assert.equal(granted.stdout.trim(), `${u.email}: premium_user -> admin`);
    assert.equal((await h.request('get', '/v1/admin/users', { token: u.accessToken })).status, 200, 'the same token, read again');

    const again = await runCli(['admin', 'grant', u.email, '--json'], env);
    assert.equal(again.code, 0);
    assert.deepEqual(JSON.parse(again.stdout), { userId: u.userId, email: u.email, before: 'admin', after: 'admin', changed: false });

    const revoked = await runCli(['admin', 'revoke', u.email], env);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(revoked.stdout.trim(), `${u.email}: admin -> premium_user`, 'back to what the plan gives');
    assert.equal((await h.request('get', '/v1/admin/users', { token: u.accessToken })).status, 403);

    const events = await h.ctx.orm.em.fork().find(AuditEvent, { targetId: u.userId, action: { $like: 'admin.role_%' } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    assert.deepEqual(events.map((e) => [e.action, e.actorUser ?? null, e.before, (e.after as { role: string; via: string }).role, (e.after as { via: string }).via]), [
      ['admin.role_granted', null, { role: 'premium_user' }, 'admin', 'cli'],
      ['admin.role_revoked', null, { role: 'admin' }, 'premium_user', 'cli'],
    ]);
  });

  it('an unknown email exits 1 naming it and changes nothing; a missing argument exits 2', async () => {
    const unknown = await runCli(['admin', 'grant', 'nobody@example.com'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /There is no user "nobody@example.com" \[user_not_found\]/);
    const usage = await runCli(['admin', 'grant'], env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /missing required argument 'email'/);
  });

  it('without DATABASE_URL and no embedded PostgreSQL, says what to do and exits 1', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sb-admin-cli-'));
    try {
      const r = await runCli(['admin', 'grant', 'a@example.com', '--json'], { DATABASE_URL: undefined, DATA_DIR: dataDir });
      assert.equal(r.code, 1);
      const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string } };
      assert.equal(error.code, 'dependency_unavailable');
      assert.match(error.message, /DATABASE_URL is unset and there is no embedded PostgreSQL under .*set DATABASE_URL, or start the service once \(npm start\)/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
