import assert from 'node:assert/strict';
import express from 'express';
import { authenticate } from '../../../src/api/auth/authenticate.ts';
import { errorHandler } from '../../../src/api/http/error-handler.ts';
import { startHttpServer } from '../../../src/api/http-server.ts';
import { rateLimitByPlan } from '../../../src/api/rate-limit/plan-rate-limit.ts';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';

describe('api: per-user rate limits by plan', function () {
  let h: ApiHarness;

  before(async () => {
    h = await startApiHarness();
  });
  after(async () => {
    await h?.close();
  });

  it('allows a Free user 60 calls a minute, then 429 rate_limited with Retry-After', async () => {
    const u = await h.registerUser();
    let last;
    for (let i = 0; i < 60; i++) {
      last = await h.request('get', '/v1/auth/whoami', { token: u.accessToken });
      assert.equal(last.status, 200, `call ${i + 1}`);
    }
    assert.equal(last?.headers['ratelimit-limit'], '60');
    assert.equal(last?.headers['ratelimit-remaining'], '0');
    const refused = await h.request('get', '/v1/auth/whoami', { token: u.accessToken });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'rate_limited');
    assert.equal(refused.body.error.scope, 'api_user');
    const retry = Number(refused.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    const other = await h.registerUser();
    assert.equal((await h.request('get', '/v1/auth/whoami', { token: other.accessToken })).status, 200, 'counted per user');
  });

  it('gives Elite its own, larger budget', async () => {
    const u = await h.registerUser({ plan: 'elite' });
    const res = await h.request('get', '/v1/auth/whoami', { token: u.accessToken });
    assert.equal(res.headers['ratelimit-limit'], '1200');
    assert.equal(res.headers['ratelimit-remaining'], '1199');
  });

  it('calls the usage hook for each accepted call, with the plan', async () => {
    const u = await h.registerUser({ plan: 'pro' });
    const seen: string[] = [];
    const app = express();
    app.get('/counted', authenticate(h.ctx), rateLimitByPlan(h.ctx, { onAccepted: (req, plan) => { seen.push(`${req.auth?.userId}:${plan.name}`); } }), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(errorHandler(h.ctx.logger));
    const server = await startHttpServer(app, '127.0.0.1', 0);
    try {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${server.url}counted`, { headers: { authorization: `Bearer ${u.accessToken}` } });
        assert.equal(res.status, 200);
      }
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(seen, [`${u.userId}:pro`, `${u.userId}:pro`]);
    } finally {
      await server.close();
    }
  });
});
