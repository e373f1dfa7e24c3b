import assert from 'node:assert/strict';
import { ApiKey, AuditEvent, UserSubscription } from '../../../src/db/entities/index.ts';
import { startApiHarness, type ApiHarness, type RegisteredUser } from '../../helpers/api-harness.ts';

describe('api auth: API keys', function () {
  let h: ApiHarness;
  let elite: RegisteredUser;

  before(async () => {
    h = await startApiHarness();
    elite = await h.registerUser({ plan: 'elite' });
  });
  after(async () => {
    await h?.close();
  });

  async function create(body: object, token = elite.accessToken) {
    return h.request('post', '/v1/api-keys', { token, body });
  }

  it('refuses plans without API keys with 402 feature_not_in_plan', async () => {
    for (const plan of ['free', 'pro'] as const) {
      const u = await h.registerUser({ plan });
      const res = await create({ name: 'ci', scopes: ['read'] }, u.accessToken);
      assert.equal(res.status, 402);
      assert.equal(res.body.error.code, 'feature_not_in_plan');
      assert.equal(res.body.error.feature, 'api_keys');
    }
  });

  it('creates a key shown once, stored as an HMAC, usable by header and bearer, last use recorded', async () => {
    const res = await create({ name: 'deploy bot', scopes: ['read', 'write'] });
    assert.equal(res.status, 201);
    const { key, apiKey } = res.body;
    assert.match(key, /^sb_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/);
    assert.ok(key.startsWith(apiKey.prefix));
    const row = await h.ctx.orm.em.fork().findOneOrFail(ApiKey, { id: apiKey.id });
    assert.match(row.keyHash, /^[0-9a-f]{64}$/);
    assert.ok(!row.keyHash.includes(key.slice(12)));

    const viaHeader = await h.request('get', '/v1/auth/whoami', { apiKey: key });
    assert.equal(viaHeader.status, 200);
    assert.deepEqual({ via: viaHeader.body.via, apiKeyId: viaHeader.body.apiKeyId, scopes: viaHeader.body.scopes },
      { via: 'api_key', apiKeyId: apiKey.id, scopes: ['read', 'write'] });
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: key })).status, 200, 'Authorization: Bearer sb_... too');

    const list = await h.request('get', '/v1/api-keys', { token: elite.accessToken });
    const listed = list.body.apiKeys.find((k: { id: string }) => k.id === apiKey.id);
    assert.ok(listed.lastUsedAt, 'last use recorded');
    assert.ok(!JSON.stringify(list.body).includes(key), 'the key is never listed');
    assert.equal(await h.ctx.orm.em.fork().count(AuditEvent, { action: 'api_key.created', targetId: apiKey.id }), 1);
  });

  it('refuses a tampered key and an unknown one with api_key_invalid', async () => {
    const { key } = (await create({ name: 't', scopes: ['read'] })).body;
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    for (const bad of [`${key.slice(0, -1)}${last}`, `${key.slice(0, 5)}x${key.slice(6)}`, 'sb_short', `sb_AAAAAAAA_${'A'.repeat(43)}`]) {
      const res = await h.request('get', '/v1/auth/whoami', { apiKey: bad });
      assert.equal(res.status, 401, bad);
      assert.equal(res.body.error.code, 'api_key_invalid');
      assert.equal(res.body.error.reason, 'unknown');
    }
  });

  it('refuses a revoked key and an expired key', async () => {
    const revoked = (await create({ name: 'r', scopes: ['read'] })).body;
    assert.equal((await h.request('delete', `/v1/api-keys/${revoked.apiKey.id}`, { token: elite.accessToken })).status, 204);
    const r = await h.request('get', '/v1/auth/whoami', { apiKey: revoked.key });
    assert.equal(r.body.error.reason, 'revoked');
    assert.equal(await h.ctx.orm.em.fork().count(AuditEvent, { action: 'api_key.revoked', targetId: revoked.apiKey.id }), 1);

    const expiring = (await create({ name: 'e', scopes: ['read'], expiresInDays: 1 })).body;
    assert.ok(expiring.apiKey.expiresAt);
    assert.equal((await h.request('get', '/v1/auth/whoami', { apiKey: expiring.key })).status, 200);
    await h.ctx.orm.em.fork().nativeUpdate(ApiKey, { id: expiring.apiKey.id }, { expiresAt: new Date(Date.now() - 1000) });
    assert.equal((await h.request('get', '/v1/auth/whoami', { apiKey: expiring.key })).body.error.reason, 'expired');
  });

  it('enforces scopes, and keeps keys away from credential management', async () => {
    const writeOnly = (await create({ name: 'w', scopes: ['write'] })).body.key;
    const res = await h.request('get', '/v1/auth/whoami', { apiKey: writeOnly });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'insufficient_scope');
    const full = (await create({ name: 'f', scopes: ['read', 'write'] })).body.key;
    for (const [method, path] of [['get', '/v1/api-keys'], ['post', '/v1/auth/logout-all'], ['get', '/v1/auth/sessions']] as const) {
      const refused = await h.request(method, path, { apiKey: full });
      assert.equal(refused.status, 403, path);
      assert.equal(refused.body.error.code, 'session_required');
    }
  });

  it('switches keys off when the plan no longer includes them', async () => {
    const u = await h.registerUser({ plan: 'elite' });
    const { key } = (await create({ name: 'x', scopes: ['read'] }, u.accessToken)).body;
    await h.ctx.orm.em.fork().nativeUpdate(UserSubscription, { user: u.userId }, { status: 'cancelled' });
    const res = await h.request('get', '/v1/auth/whoami', { apiKey: key });
    assert.equal(res.status, 402);
    assert.equal(res.body.error.code, 'feature_not_in_plan');
  });

  it('cannot revoke someone else\'s key', async () => {
    const other = await h.registerUser({ plan: 'elite' });
    const theirs = (await create({ name: 'theirs', scopes: ['read'] }, other.accessToken)).body;
    const res = await h.request('delete', `/v1/api-keys/${theirs.apiKey.id}`, { token: elite.accessToken });
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'api_key_not_found');
    assert.equal((await h.request('get', '/v1/auth/whoami', { apiKey: theirs.key })).status, 200);
  });

  const bad: Array<[string, object, string]> = [
    ['no name', { scopes: ['read'] }, 'name'],
    ['a blank name', { name: '   ', scopes: ['read'] }, 'name'],
    ['no scopes', { name: 'n', scopes: [] }, 'scopes'],
    ['an unknown scope', { name: 'n', scopes: ['admin'] }, 'scopes.0'],
    ['a repeated scope', { name: 'n', scopes: ['read', 'read'] }, 'scopes'],
    ['a zero lifetime', { name: 'n', scopes: ['read'], expiresInDays: 0 }, 'expiresInDays'],
    ['a fractional lifetime', { name: 'n', scopes: ['read'], expiresInDays: 1.5 }, 'expiresInDays'],
  ];
  for (const [name, body, path] of bad) {
    it(`refuses ${name}`, async () => {
      const res = await create(body);
      assert.equal(res.status, 400);
      assert.equal(res.body.error.details[0].path, path, JSON.stringify(res.body));
    });
  }
});
