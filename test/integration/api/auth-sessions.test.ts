import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';

describe('api auth: sessions', function () {
  let h: ApiHarness;

  before(async () => {
    h = await startApiHarness();
  });
  after(async () => {
    await h?.close();
  });

  it('lists live sessions with device, address and the current flag', async () => {
    const u = await h.registerUser();
    await h.request('post', '/v1/auth/login', {
      body: { email: u.email, password: u.password },
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' },
    });
    const list = await h.request('get', '/v1/auth/sessions', { token: u.accessToken });
    assert.equal(list.status, 200);
    assert.equal(list.body.sessions.length, 2);
    assert.equal(list.body.sessions.filter((s: { current: boolean }) => s.current).length, 1);
    const firefox = list.body.sessions.find((s: { device: string | null }) => s.device === 'Firefox on Linux');
    assert.ok(firefox, JSON.stringify(list.body));
    assert.equal(firefox.current, false);
    assert.match(firefox.ip, /127\.0\.0\.1/);
  });

  it('ends another session: its tokens die and it leaves the list', async () => {
    const u = await h.registerUser();
    const other = await h.request('post', '/v1/auth/login', { body: { email: u.email, password: u.password } });
    const del = await h.request('delete', `/v1/auth/sessions/${other.body.sessionId}`, { token: u.accessToken });
    assert.equal(del.status, 204);
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: other.body.accessToken })).body.error.code, 'token_revoked');
    assert.equal((await h.request('post', '/v1/auth/refresh', { body: { refreshToken: other.body.refreshToken } })).body.error.code, 'refresh_token_invalid');
    const list = await h.request('get', '/v1/auth/sessions', { token: u.accessToken });
    assert.deepEqual(list.body.sessions.map((s: { id: string }) => s.id).includes(other.body.sessionId), false);
    const again = await h.request('delete', `/v1/auth/sessions/${other.body.sessionId}`, { token: u.accessToken });
    assert.equal(again.status, 404);
  });

  it('cannot end someone else\'s session, and refuses a malformed id', async () => {
    const alice = await h.registerUser();
    const bob = await h.registerUser();
    const bobSession = (await h.request('get', '/v1/auth/whoami', { token: bob.accessToken })).body.sessionId;
    const res = await h.request('delete', `/v1/auth/sessions/${bobSession}`, { token: alice.accessToken });
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'auth_session_not_found');
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: bob.accessToken })).status, 200, 'still alive');
    assert.equal((await h.request('delete', `/v1/auth/sessions/${randomUUID()}`, { token: alice.accessToken })).status, 404);
    const bad = await h.request('delete', '/v1/auth/sessions/not-a-uuid', { token: alice.accessToken });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'id');
  });
});
