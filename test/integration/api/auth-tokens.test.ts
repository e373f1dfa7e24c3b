import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { RefreshTokenFamily } from '../../../src/db/entities/index.ts';
import { startApiHarness, type ApiHarness, type RegisteredUser } from '../../helpers/api-harness.ts';

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('api auth: access tokens', function () {
  let h: ApiHarness;
  let u: RegisteredUser;
  let secret: string;

  before(async () => {
    h = await startApiHarness();
    u = await h.registerUser();
    secret = h.ctx.config.JWT_SECRET as string;
  });
  after(async () => {
    await h?.close();
  });

  function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return {
      sub: u.userId, role: 'free_user', typ: 'access', jti: randomUUID(), iat: now, nbf: now, exp: now + 600,
      iss: h.ctx.config.JWT_ISSUER, aud: h.ctx.config.JWT_AUDIENCE, ...overrides,
    };
  }

  function sign(payload: object, key: jwt.Secret = secret, algorithm: jwt.Algorithm = 'HS256', typ = 'at+jwt'): string {
    return jwt.sign(payload, key, { algorithm, header: { alg: algorithm, typ } });
  }

  async function whoami(token: string) {
    return h.request('get', '/v1/auth/whoami', { token });
  }

  async function refused(token: string, code: string, reason?: RegExp): Promise<void> {
    const res = await whoami(token);
    assert.equal(res.status, 401, JSON.stringify(res.body));
    assert.equal(res.body.error.code, code);
    if (reason) assert.match(res.body.error.reason, reason);
    assert.match(res.headers['www-authenticate'] ?? '', /^Bearer/);
  }

  it('accepts a well-formed token (the control for the refusals below)', async () => {
    assert.equal((await whoami(sign(claims()))).status, 200);
  });

  it('refuses alg none', async () => {
    await refused(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims())}.`, 'invalid_token', /algorithm/);
  });

  it('refuses an RS256 token (asymmetric algorithms are not accepted)', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await refused(sign(claims(), privateKey, 'RS256'), 'invalid_token', /algorithm/);
  });

  it('refuses a token signed with a public key used as the HMAC secret', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await refused(sign(claims(), pem, 'HS256'), 'invalid_token', /signature/);
  });

  it('refuses HS512 even with the right secret (the algorithm is pinned to HS256)', async () => {
    await refused(sign(claims(), secret, 'HS512'), 'invalid_token', /algorithm/);
  });

  it('refuses a wrong audience, a wrong issuer, and a tampered payload', async () => {
    await refused(sign(claims({ aud: 'someone-else' })), 'invalid_token', /audience/);
    await refused(sign(claims({ iss: 'evil' })), 'invalid_token', /issuer/);
    const [header, , signature] = sign(claims()).split('.');
    await refused(`${header}.${b64(claims({ role: 'admin' }))}.${signature}`, 'invalid_token', /signature/);
  });

  it('refuses an expired token with token_expired and a not-yet-valid one', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(sign(claims({ iat: now - 1000, nbf: now - 1000, exp: now - 10 })), 'token_expired');
    await refused(sign(claims({ nbf: now + 300 })), 'invalid_token', /not valid yet/);
  });

  it('refuses the wrong token type: a refresh claim, a plain JWT header, a refresh token, garbage', async () => {
    await refused(sign(claims({ typ: 'refresh' })), 'invalid_token', /not an access token/);
    await refused(sign(claims(), secret, 'HS256', 'JWT'), 'invalid_token', /not an access token/);
    await refused(u.refreshToken, 'invalid_token', /malformed/);
    await refused('a.b.c', 'invalid_token');
    await refused(sign(claims({ sub: undefined })), 'invalid_token', /claims/);
  });

  it('asks for credentials when none are given', async () => {
    const cases: Array<Record<string, string>> = [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }];
    for (const headers of cases) {
      const res = await h.request('get', '/v1/auth/whoami', { headers });
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'authentication_required');
    }
  });

  it('refuses a token of a user that no longer exists', async () => {
    await refused(sign(claims({ sub: randomUUID() })), 'token_revoked');
  });
});

describe('api auth: refresh, logout, logout everywhere', function () {
  let h: ApiHarness;

  before(async () => {
    h = await startApiHarness();
  });
  after(async () => {
    await h?.close();
  });

  async function refresh(refreshToken: string) {
    return h.request('post', '/v1/auth/refresh', { body: { refreshToken } });
  }

  it('rotates: each refresh gives a new pair and keeps the session', async () => {
    const u = await h.registerUser();
    const first = await refresh(u.refreshToken);
    assert.equal(first.status, 200);
    assert.notEqual(first.body.refreshToken, u.refreshToken);
    const second = await refresh(first.body.refreshToken);
    assert.equal(second.status, 200);
    assert.equal(second.body.sessionId, first.body.sessionId);
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: second.body.accessToken })).status, 200);
  });

  it('revokes the whole family when an already used refresh token comes back', async () => {
    const u = await h.registerUser();
    const rotated = await refresh(u.refreshToken);
    const reused = await refresh(u.refreshToken);
    assert.equal(reused.status, 401);
    assert.equal(reused.body.error.code, 'refresh_token_reused');
    // The thief's and the owner's newest tokens are both dead now.
    assert.equal((await refresh(rotated.body.refreshToken)).body.error.code, 'refresh_token_invalid');
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: rotated.body.accessToken })).body.error.code, 'token_revoked');
    const family = await h.ctx.orm.em.fork().findOneOrFail(RefreshTokenFamily, { id: rotated.body.sessionId });
    assert.equal(family.revokedReason, 'reuse_detected');
  });

  it('lets only one of two concurrent refreshes with the same token win', async () => {
    const u = await h.registerUser();
    const results = await Promise.all([refresh(u.refreshToken), refresh(u.refreshToken)]);
    const [winner, loser] = [...results].sort((a, b) => a.status - b.status);
    assert.equal(winner?.status, 200);
    assert.equal(loser?.body.error.code, 'refresh_token_reused', 'the second use of one token is a reuse');
  });

  it('refuses garbage, unknown and expired refresh tokens', async () => {
    assert.equal((await refresh('nonsense')).body.error.code, 'refresh_token_invalid');
    assert.equal((await refresh(`${randomUUID()}.${'A'.repeat(43)}`)).body.error.code, 'refresh_token_invalid');
    const u = await h.registerUser();
    const family = (await h.request('get', '/v1/auth/whoami', { token: u.accessToken })).body.sessionId as string;
    await h.ctx.orm.em.fork().nativeUpdate(RefreshTokenFamily, { id: family }, { expiresAt: new Date(Date.now() - 1000) });
    assert.equal((await refresh(u.refreshToken)).body.error.code, 'refresh_token_invalid');
    const missing = await h.request('post', '/v1/auth/refresh', { body: {} });
    assert.equal(missing.body.error.details[0].path, 'refreshToken');
  });

  it('logout ends this session only: its tokens die, another session lives', async () => {
    const u = await h.registerUser();
    const other = await h.request('post', '/v1/auth/login', { body: { email: u.email, password: u.password } });
    assert.equal((await h.request('post', '/v1/auth/logout', { token: u.accessToken })).status, 204);
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: u.accessToken })).body.error.code, 'token_revoked');
    assert.equal((await refresh(u.refreshToken)).body.error.code, 'refresh_token_invalid');
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: other.body.accessToken })).status, 200);
  });

  it('logout everywhere kills every access token at once, and a new sign-in still works', async () => {
    const u = await h.registerUser();
    const other = await h.request('post', '/v1/auth/login', { body: { email: u.email, password: u.password } });
    assert.equal((await h.request('post', '/v1/auth/logout-all', { token: other.body.accessToken })).status, 204);
    for (const token of [u.accessToken, other.body.accessToken]) {
      assert.equal((await h.request('get', '/v1/auth/whoami', { token })).body.error.code, 'token_revoked');
    }
    assert.equal((await refresh(u.refreshToken)).body.error.code, 'refresh_token_invalid');
    const again = await h.request('post', '/v1/auth/login', { body: { email: u.email, password: u.password } });
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: again.body.accessToken })).status, 200);
  });
});
