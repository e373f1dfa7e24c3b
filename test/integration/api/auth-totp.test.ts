import assert from 'node:assert/strict';
import { generate } from 'otplib';
import { AuditEvent, TotpRecoveryCode, User } from '../../../src/db/entities/index.ts';
import { startApiHarness, type ApiHarness, type RegisteredUser } from '../../helpers/api-harness.ts';

describe('api auth: TOTP two-factor authentication', function () {
  let h: ApiHarness;
  // A clock the test moves, so codes of successive 30 s steps can be used without waiting.
  let clock = Date.now();

  before(async () => {
    h = await startApiHarness({ now: () => clock });
  });
  after(async () => {
    await h?.close();
  });

  function nextStep(): void {
    clock += 30_000;
  }

  function code(secret: string): Promise<string> {
    return generate({ secret, epoch: Math.floor(clock / 1000) });
  }

  /** A user with 2FA on; returns the secret and recovery codes. */
  async function withTotp(): Promise<RegisteredUser & { secret: string; recoveryCodes: string[] }> {
    const u = await h.registerUser();
    const setup = await h.request('post', '/v1/auth/totp/setup', { token: u.accessToken });
    assert.equal(setup.status, 200);
    const confirm = await h.request('post', '/v1/auth/totp/confirm', { token: u.accessToken, body: { code: await code(setup.body.secret) } });
    assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
    nextStep();
    return { ...u, secret: setup.body.secret, recoveryCodes: confirm.body.recoveryCodes };
  }

  async function challenge(u: RegisteredUser): Promise<string> {
    const login = await h.request('post', '/v1/auth/login', { body: { email: u.email, password: u.password } });
    assert.equal(login.status, 200);
    assert.equal(login.body.mfaRequired, true);
    assert.equal(login.body.accessToken, undefined, 'no tokens before the second factor');
    return login.body.mfaToken;
  }

  it('sets up with a sealed secret and an otpauth URI, confirms, and hands out ten recovery codes once', async () => {
    const u = await h.registerUser();
    const setup = await h.request('post', '/v1/auth/totp/setup', { token: u.accessToken });
    assert.match(setup.body.otpauthUri, /^otpauth:\/\/totp\/Switchboard:.*secret=/);
    const stored = await h.ctx.orm.em.fork().findOneOrFail(User, { id: u.userId });
    assert.ok(stored.totpSecretCiphertext?.startsWith('v1.'), 'sealed at rest');
    assert.ok(!stored.totpSecretCiphertext?.includes(setup.body.secret));
    assert.equal(stored.totpEnabled, false, 'not on before confirmation');

    const wrong = await h.request('post', '/v1/auth/totp/confirm', { token: u.accessToken, body: { code: '000000' } });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.code, 'totp_code_invalid');
    const confirm = await h.request('post', '/v1/auth/totp/confirm', { token: u.accessToken, body: { code: await code(setup.body.secret) } });
    assert.equal(confirm.status, 200);
    assert.equal(confirm.body.recoveryCodes.length, 10);
    assert.equal(new Set(confirm.body.recoveryCodes).size, 10);
    const rows = await h.ctx.orm.em.fork().find(TotpRecoveryCode, { user: u.userId });
    assert.equal(rows.length, 10);
    assert.ok(rows.every((r) => !confirm.body.recoveryCodes.includes(r.codeHash)), 'stored hashed');
    assert.equal((await h.request('post', '/v1/auth/totp/setup', { token: u.accessToken })).body.error.code, 'totp_state_conflict');
    assert.equal(await h.ctx.orm.em.fork().count(AuditEvent, { action: 'auth.totp_enabled', actorUser: u.userId }), 1);
  });

  it('signs in in two steps, and refuses a replayed code', async () => {
    const u = await withTotp();
    const first = await code(u.secret);
    const signedIn = await h.request('post', '/v1/auth/login/totp', { body: { mfaToken: await challenge(u), code: first } });
    assert.equal(signedIn.status, 200);
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: signedIn.body.accessToken })).status, 200);

    const replay = await h.request('post', '/v1/auth/login/totp', { body: { mfaToken: await challenge(u), code: first } });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error.code, 'mfa_code_invalid');
    nextStep();
    const fresh = await h.request('post', '/v1/auth/login/totp', { body: { mfaToken: await challenge(u), code: await code(u.secret) } });
    assert.equal(fresh.status, 200);
  });

  it('uses each mfa token once', async () => {
    const u = await withTotp();
    const mfaToken = await challenge(u);
    assert.equal((await h.request('post', '/v1/auth/login/totp', { body: { mfaToken, code: await code(u.secret) } })).status, 200);
    nextStep();
    const again = await h.request('post', '/v1/auth/login/totp', { body: { mfaToken, code: await code(u.secret) } });
    assert.equal(again.body.error.code, 'mfa_token_invalid');
    assert.equal((await h.request('post', '/v1/auth/login/totp', { body: { mfaToken: 'x'.repeat(43), code: '123456' } })).status, 401);
  });

  it('drops a challenge after five wrong codes', async () => {
    const u = await withTotp();
    const mfaToken = await challenge(u);
    for (let i = 0; i < 5; i++) {
      assert.equal((await h.request('post', '/v1/auth/login/totp', { body: { mfaToken, code: '000000' } })).body.error.code, 'mfa_code_invalid');
    }
    const after = await h.request('post', '/v1/auth/login/totp', { body: { mfaToken, code: await code(u.secret) } });
    assert.equal(after.body.error.code, 'mfa_token_invalid');
  });

  it('accepts each recovery code once, in any case and without dashes', async () => {
    const u = await withTotp();
    const recoveryCode = u.recoveryCodes[0] as string;
    const typed = recoveryCode.replaceAll('-', '').toUpperCase();
    assert.equal((await h.request('post', '/v1/auth/login/totp', { body: { mfaToken: await challenge(u), recoveryCode: typed } })).status, 200);
    const again = await h.request('post', '/v1/auth/login/totp', { body: { mfaToken: await challenge(u), recoveryCode } });
    assert.equal(again.status, 401);
    assert.equal(again.body.error.code, 'mfa_code_invalid');
    assert.equal((await h.request('post', '/v1/auth/login/totp', { body: { mfaToken: await challenge(u), recoveryCode: u.recoveryCodes[1] } })).status, 200);
  });

  it('refuses a body with both or neither of code and recoveryCode', async () => {
    const both = await h.request('post', '/v1/auth/login/totp', { body: { mfaToken: 'x', code: '123456', recoveryCode: 'abcd' } });
    assert.equal(both.body.error.code, 'validation_failed');
    const neither = await h.request('post', '/v1/auth/login/totp', { body: { mfaToken: 'x' } });
    assert.equal(neither.body.error.code, 'validation_failed');
  });

  it('renews recovery codes and disables only with the password or a fresh code', async () => {
    const u = await withTotp();
    const renewed = await h.request('post', '/v1/auth/totp/recovery-codes', { token: u.accessToken, body: { code: await code(u.secret) } });
    assert.equal(renewed.status, 200);
    assert.ok(!renewed.body.recoveryCodes.includes(u.recoveryCodes[0]));
    const old = await h.request('post', '/v1/auth/login/totp', { body: { mfaToken: await challenge(u), recoveryCode: u.recoveryCodes[2] } });
    assert.equal(old.body.error.code, 'mfa_code_invalid', 'old codes stop working');

    const wrong = await h.request('post', '/v1/auth/totp/disable', { token: u.accessToken, body: { password: 'not the password' } });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'reauthentication_failed');
    const neither = await h.request('post', '/v1/auth/totp/disable', { token: u.accessToken, body: {} });
    assert.equal(neither.body.error.code, 'validation_failed');
    assert.equal((await h.request('post', '/v1/auth/totp/disable', { token: u.accessToken, body: { password: u.password } })).status, 204);
    const stored = await h.ctx.orm.em.fork().findOneOrFail(User, { id: u.userId });
    assert.equal(stored.totpEnabled, false);
    assert.equal(stored.totpSecretCiphertext, null);
    assert.equal(await h.ctx.orm.em.fork().count(TotpRecoveryCode, { user: u.userId }), 0);
    const login = await h.request('post', '/v1/auth/login', { body: { email: u.email, password: u.password } });
    assert.ok(login.body.accessToken, 'one step again');
    assert.equal((await h.request('post', '/v1/auth/totp/disable', { token: u.accessToken, body: { password: u.password } })).body.error.code, 'totp_state_conflict');
    assert.match(h.mail.last(u.email).subject, /security notice/);
  });

  it('refuses confirm before setup', async () => {
    const u = await h.registerUser();
    const res = await h.request('post', '/v1/auth/totp/confirm', { token: u.accessToken, body: { code: '123456' } });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.state, 'not_set_up');
    assert.equal((await h.request('post', '/v1/auth/totp/confirm', { token: u.accessToken, body: { code: '12345' } })).body.error.code, 'validation_failed');
  });
});
