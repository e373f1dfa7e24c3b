import assert from 'node:assert/strict';
import express from 'express';
import { authenticate, requireRole } from '../../../src/api/auth/authenticate.ts';
import { errorHandler } from '../../../src/api/http/error-handler.ts';
import { startHttpServer, type HttpServer } from '../../../src/api/http-server.ts';
import { User } from '../../../src/db/entities/index.ts';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';

describe('api auth: roles and impersonation', function () {
  let h: ApiHarness;
  let server: HttpServer;

  before(async () => {
    h = await startApiHarness();
    const app = express();
    app.get('/admin-only', authenticate(h.ctx), requireRole('admin'), (req, res) => {
      res.json({ role: req.auth?.role });
    });
    app.use(errorHandler(h.ctx.logger));
    server = await startHttpServer(app, '127.0.0.1', 0);
  });
  after(async () => {
    await server?.close();
    await h?.close();
  });

  async function adminOnly(token: string): Promise<{ status: number; body: { error?: { code: string; role?: string } } }> {
    const res = await fetch(`${server.url}admin-only`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
  }

  it('requireRole refuses other roles with 403 forbidden_role and lets admins through', async () => {
    const user = await h.registerUser();
    const refused = await adminOnly(user.accessToken);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error?.code, 'forbidden_role');
    const admin = await h.registerUser({ role: 'admin' });
    assert.equal((await adminOnly(admin.accessToken)).status, 200);
  });

  it('takes the role from the database, not the token: a demotion applies at once', async () => {
    const admin = await h.registerUser({ role: 'admin' });
    await h.ctx.orm.em.fork().nativeUpdate(User, { id: admin.userId }, { role: 'free_user' });
    assert.equal((await adminOnly(admin.accessToken)).body.error?.code, 'forbidden_role');
  });

  it('carries an impersonating admin in the token, and drops it when that admin is no longer one', async () => {
    const admin = await h.registerUser({ role: 'admin' });
    const target = await h.registerUser();
    const token = h.ctx.accessTokens.issue({ userId: target.userId, role: 'free_user', impersonatorId: admin.userId });
    const me = await h.request('get', '/v1/auth/whoami', { token });
    assert.equal(me.status, 200);
    assert.equal(me.body.userId, target.userId);
    assert.equal(me.body.impersonatorId, admin.userId);
    await h.ctx.orm.em.fork().nativeUpdate(User, { id: admin.userId }, { role: 'free_user' });
    assert.equal((await h.request('get', '/v1/auth/whoami', { token })).body.error.code, 'token_revoked');
  });
});
