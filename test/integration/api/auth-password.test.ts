import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AuditEvent } from '../../../src/db/entities/index.ts';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';

const NEW_PASSWORD = 'a brand new passphrase';

describe('api auth: password change and reset', function () {
  let h: ApiHarness;

  before(async () => {
    h = await startApiHarness();
  });
  after(async () => {
    await h?.close();
  });

  async function login(email: string, password: string) {
    return h.request('post', '/v1/auth/login', { body: { email, password } });
  }

  it('changes the password: other sessions and older access tokens die, this session continues', async () => {
    const u = await h.registerUser();
    const other = await login(u.email, u.password);
    const changed = await h.request('post', '/v1/auth/password/change', {
      token: u.accessToken, body: { currentPassword: u.password, newPassword: NEW_PASSWORD },
    });
    assert.equal(changed.status, 200);
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: u.accessToken })).body.error.code, 'token_revoked');
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: other.body.accessToken })).body.error.code, 'token_revoked');
    assert.equal((await h.request('post', '/v1/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).body.error.code, 'refresh_token_invalid');
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: changed.body.accessToken })).status, 200);
    assert.equal((await h.request('post', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })).status, 200, 'this session goes on');
    assert.equal((await login(u.email, u.password)).status, 401);
    assert.equal((await login(u.email, NEW_PASSWORD)).status, 200);
    assert.match(h.mail.last(u.email).subject, /security notice/);
    assert.equal(await h.ctx.orm.em.fork().count(AuditEvent, { action: 'auth.password_changed', actorUser: u.userId }), 1);
  });

  it('refuses a wrong current password, a weak new one, the email, and anonymous callers', async () => {
    const u = await h.registerUser();
    const wrong = await h.request('post', '/v1/auth/password/change', {
      token: u.accessToken, body: { currentPassword: 'not my password', newPassword: NEW_PASSWORD },
    });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'reauthentication_failed');
    const weak = await h.request('post', '/v1/auth/password/change', { token: u.accessToken, body: { currentPassword: u.password, newPassword: 'short' } });
    assert.equal(weak.body.error.details[0].path, 'newPassword');
    const email = await h.request('post', '/v1/auth/password/change', { token: u.accessToken, body: { currentPassword: u.password, newPassword: u.email } });
    assert.equal(email.status, 400);
    assert.equal(email.body.error.details[0].path, 'newPassword');
    assert.equal((await h.request('post', '/v1/auth/password/change', { body: { currentPassword: 'x', newPassword: NEW_PASSWORD } })).status, 401);
  });

  it('resets a forgotten password by mailed link: single use, every session ends, mail verified', async () => {
    const u = await h.registerUser();
    const forgot = await h.request('post', '/v1/auth/password/forgot', { body: { email: u.email } });
    assert.equal(forgot.status, 202);
    const { token, text } = h.mail.last(u.email);
    assert.ok(token && text.includes('/reset-password?token='));

    const asEmail = await h.request('post', '/v1/auth/password/reset', { body: { token, newPassword: u.email } });
    assert.equal(asEmail.status, 400);
    assert.equal(asEmail.body.error.code, 'validation_failed');

    assert.equal((await h.request('post', '/v1/auth/password/reset', { body: { token, newPassword: NEW_PASSWORD } })).status, 204, 'the refused try did not burn the link');
    const reused = await h.request('post', '/v1/auth/password/reset', { body: { token, newPassword: 'yet another passphrase' } });
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error.code, 'one_time_token_invalid');
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: u.accessToken })).body.error.code, 'token_revoked');
    assert.equal((await h.request('post', '/v1/auth/refresh', { body: { refreshToken: u.refreshToken } })).body.error.code, 'refresh_token_invalid');
    assert.equal((await login(u.email, NEW_PASSWORD)).status, 200);
  });

  it('answers the same for an unknown address and mails nothing', async () => {
    const u = await h.registerUser();
    const known = await h.request('post', '/v1/auth/password/forgot', { body: { email: u.email } });
    const ghost = `ghost-${randomUUID()}@example.com`;
    const unknown = await h.request('post', '/v1/auth/password/forgot', { body: { email: ghost } });
    assert.deepEqual(unknown.body, known.body);
    assert.deepEqual(h.mail.all(ghost), []);
  });

  it('refuses an unknown or malformed reset token', async () => {
    const bad = await h.request('post', '/v1/auth/password/reset', { body: { token: 'A'.repeat(43), newPassword: NEW_PASSWORD } });
    assert.equal(bad.body.error.code, 'one_time_token_invalid');
    const missing = await h.request('post', '/v1/auth/password/reset', { body: { newPassword: NEW_PASSWORD } });
    assert.equal(missing.body.error.details[0].path, 'token');
  });
});
