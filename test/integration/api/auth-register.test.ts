import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AuditEvent, AuthToken, User } from '../../../src/db/entities/index.ts';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';

const PASSWORD = 'correct horse battery';

function freshEmail(): string {
  return `reg-${randomUUID()}@example.com`;
}

describe('api auth: registration and email verification', function () {
  let h: ApiHarness;

  before(async () => {
    h = await startApiHarness();
  });
  after(async () => {
    await h?.close();
  });

  it('registers, mails a link, verifies once and signs in', async () => {
    const email = freshEmail();
    const reg = await h.request('post', '/v1/auth/register', { body: { email: email.toUpperCase(), password: PASSWORD } });
    assert.equal(reg.status, 202);
    const mail = h.mail.last(email);
    assert.match(mail.subject, /Confirm/);
    assert.ok(mail.token, 'the mail carries a token');
    assert.ok(mail.text.startsWith('Welcome') && mail.text.includes(`${h.ctx.config.PUBLIC_URL}/verify-email?token=`));

    const user = await h.ctx.orm.em.fork().findOneOrFail(User, { email });
    assert.match(user.passwordHash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, 'argon2id at the OWASP parameters');
    assert.equal(user.emailVerifiedAt, null);

    const before = await h.request('post', '/v1/auth/login', { body: { email, password: PASSWORD } });
    assert.equal(before.status, 403);
    assert.equal(before.body.error.code, 'email_not_verified');

    assert.equal((await h.request('post', '/v1/auth/verify-email', { body: { token: mail.token } })).status, 204);
    const again = await h.request('post', '/v1/auth/verify-email', { body: { token: mail.token } });
    assert.equal(again.status, 400);
    assert.equal(again.body.error.code, 'one_time_token_invalid');

    const login = await h.request('post', '/v1/auth/login', { body: { email, password: PASSWORD } });
    assert.equal(login.status, 200);
    assert.equal(login.body.tokenType, 'Bearer');
    assert.equal(login.body.expiresIn, 900);
    const audit = await h.ctx.orm.em.fork().find(AuditEvent, { actorUser: user.id }, { orderBy: { createdAt: 'asc' } });
    assert.deepEqual(audit.map((a) => a.action), ['auth.registered', 'auth.email_verified', 'auth.login_succeeded']);
  });

  it('answers an existing address exactly like a new one, and tells its owner instead', async () => {
    const { email } = await h.registerUser();
    const before = h.mail.all(email).length;
    const reg = await h.request('post', '/v1/auth/register', { body: { email, password: 'another long password' } });
    const fresh = await h.request('post', '/v1/auth/register', { body: { email: freshEmail(), password: PASSWORD } });
    assert.equal(reg.status, 202);
    assert.deepEqual(reg.body, fresh.body);
    const mails = h.mail.all(email);
    assert.equal(mails.length, before + 1);
    assert.match(mails.at(-1)!.subject, /tried to sign up/);
    assert.equal(h.mail.last(email).token, null, 'no verification link for an existing account');
  });

  it('resends a confirmation link, and only the newest works', async () => {
    const email = freshEmail();
    await h.request('post', '/v1/auth/register', { body: { email, password: PASSWORD } });
    const first = h.mail.last(email).token;
    const resent = await h.request('post', '/v1/auth/verify-email/resend', { body: { email } });
    assert.equal(resent.status, 202);
    const second = h.mail.last(email).token;
    assert.notEqual(first, second);
    assert.equal((await h.request('post', '/v1/auth/verify-email', { body: { token: first } })).body.error.code, 'one_time_token_invalid');
    assert.equal((await h.request('post', '/v1/auth/verify-email', { body: { token: second } })).status, 204);
    const unknown = await h.request('post', '/v1/auth/verify-email/resend', { body: { email: freshEmail() } });
    assert.deepEqual(unknown.body, resent.body, 'same answer for an unknown address');
  });

  it('refuses an expired verification link', async () => {
    const email = freshEmail();
    await h.request('post', '/v1/auth/register', { body: { email, password: PASSWORD } });
    const { token } = h.mail.last(email);
    const em = h.ctx.orm.em.fork();
    const user = await em.findOneOrFail(User, { email });
    await em.nativeUpdate(AuthToken, { user: user.id }, { expiresAt: new Date(Date.now() - 1_000) });
    const res = await h.request('post', '/v1/auth/verify-email', { body: { token } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'one_time_token_invalid');
  });

  const bad: Array<[string, unknown, string, RegExp]> = [
    ['a missing email', { password: PASSWORD }, 'email', /email/i],
    ['an invalid email', { email: 'not-an-email', password: PASSWORD }, 'email', /email address/],
    ['a missing password', { email: 'a@example.com' }, 'password', /text|required/i],
    ['a short password', { email: 'a@example.com', password: 'short' }, 'password', /at least 12/],
    ['a password over 128 characters', { email: 'a@example.com', password: 'x'.repeat(129) }, 'password', /at most 128/],
    ['the email as password', { email: 'longaddress@example.com', password: 'LongAddress@example.com' }, 'password', /email/],
  ];
  for (const [name, body, path, message] of bad) {
    it(`refuses ${name} with validation_failed naming the field`, async () => {
      const res = await h.request('post', '/v1/auth/register', { body });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'validation_failed');
      const issue = res.body.error.details.find((d: { path: string }) => d.path === path);
      assert.ok(issue, JSON.stringify(res.body));
      assert.match(issue.message, message);
    });
  }

  it('counts a password in code points: 12 emoji pass', async () => {
    const res = await h.request('post', '/v1/auth/register', { body: { email: freshEmail(), password: '🔒'.repeat(12) } });
    assert.equal(res.status, 202);
  });

  it('refuses malformed JSON with invalid_json and a body over the limit with payload_too_large', async () => {
    const broken = await h.request('post', '/v1/auth/register', { body: '{"email": ' });
    assert.equal(broken.status, 400);
    assert.equal(broken.body.error.code, 'invalid_json');
    const huge = await h.request('post', '/v1/auth/register', { body: { email: 'a@example.com', password: 'x'.repeat(200_000) } });
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, 'payload_too_large');
  });
});
