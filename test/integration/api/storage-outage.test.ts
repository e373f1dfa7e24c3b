/**
 * The API while PostgreSQL is down (a private cluster of the test's own,
 * stopped in fast mode): requests answer 503 `dependency_unavailable` with
 * Retry-After, never 500, write nothing, and the same requests succeed once
 * the server is back, in the same process (the pool reconnects by itself).
 * The readiness route says which server does not answer, PostgreSQL down
 * or a private redis-server frozen with SIGSTOP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { User } from '../../../src/db/entities/index.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/infra/embedded-postgres.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../../src/infra/embedded-redis.ts';
import { findOnPath } from '../../../src/infra/process-tools.ts';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';
import { freePort } from '../infra/free-port.ts';
import { logger, waitFor } from '../supervisor/fixture.ts';

describe('API during storage outages (private servers)', function () {
  this.timeout(90_000);
  let dir = '';
  let postgres: EmbeddedPostgres | null = null;
  let api: ApiHarness | null = null;
  let redis: EmbeddedRedis | null = null;

  afterEach(async () => {
    if (redis !== null) process.kill(redis.pid, 'SIGCONT');
    await api?.close().catch(() => {});
    api = null;
    await redis?.stop(2_000);
    redis = null;
    await postgres?.stop(5_000);
    postgres = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 dependency_unavailable with Retry-After, writes nothing, and serves again once it is back', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-api-pg-'));
    const port = await freePort();
    const start = () => startEmbeddedPostgres({ root: dir, port, logger, database: 'switchboard' });
    postgres = await start();
    api = await startApiHarness({ databaseUrl: postgres.url });
    const h = api;
    const user = await h.registerUser();
    assert.equal((await h.request('get', '/v1/pairs', { token: user.accessToken })).status, 200);
    const ready = await h.request('get', '/v1/health/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.status, 'ready');

    await postgres.stop(10_000);
    postgres = null;
    const read = await h.request('get', '/v1/pairs', { token: user.accessToken });
    assert.equal(read.status, 503);
    assert.equal(read.body.error.code, 'dependency_unavailable');
    assert.equal(read.body.error.message, 'Storage is unavailable: a database server does not answer; try again in a few seconds');
    assert.equal(read.headers['retry-after'], '5');
    const notReady = await h.request('get', '/v1/health/ready');
    assert.equal(notReady.status, 503);
    assert.equal(notReady.body.error.message, 'PostgreSQL is unavailable: the connection failed');
    assert.equal(notReady.headers['retry-after'], '5');
    assert.equal((await h.request('get', '/v1/health')).status, 200, 'alive all the same: restarting would not help');
    const registered = await h.request('post', '/v1/auth/register', { body: { email: 'outage@example.com', password: 'a-long-enough-password-1' } });
    assert.equal(registered.status, 503);
    assert.equal(registered.body.error.code, 'dependency_unavailable');

    postgres = await start();
    // The pool finds its dead connections on use: a request or two may still meet one.
    await waitFor('the API serving again', async () => (await h.request('get', '/v1/pairs', { token: user.accessToken })).status === 200, 30_000);
    assert.equal((await h.request('get', '/v1/health/ready')).status, 200);
    assert.equal(await h.ctx.orm.em.fork().count(User, { email: 'outage@example.com' }), 0, 'the refused registration wrote nothing');
  });

  it('Redis frozen or gone: 503 after REDIS_COMMAND_TIMEOUT_MS rather than a request that hangs; the readiness route names Redis', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sb-api-redis-'));
    const executable = await findOnPath('redis-server');
    assert.ok(executable, 'redis-server on PATH');
    redis = await startEmbeddedRedis({ executable, root: dir, port: await freePort(), logger });
    api = await startApiHarness({ redisUrl: redis.url });
    const h = api;
    const user = await h.registerUser();
    assert.equal((await h.request('get', '/v1/health/ready')).status, 200);
    process.kill(redis.pid, 'SIGSTOP');
    const frozen = await h.request('get', '/v1/health/ready');
    assert.equal(frozen.status, 503);
    assert.equal(frozen.body.error.message, 'Redis is unavailable: no answer within 1000 ms');
    // A signed-in request counts against the plan's rate limit in Redis: it answers 503 after REDIS_COMMAND_TIMEOUT_MS, not never.
    const asked = Date.now();
    const stalled = await h.request('get', '/v1/me', { token: user.accessToken });
    const tookMs = Date.now() - asked;
    assert.deepEqual([stalled.status, stalled.body.error.code], [503, 'dependency_unavailable']);
    assert.ok(tookMs < 10_000, `answered after ${tookMs} ms`);
    process.kill(redis.pid, 'SIGCONT');
    await waitFor('ready again', async () => (await h.request('get', '/v1/health/ready')).status === 200, 10_000);
    assert.equal((await h.request('get', '/v1/me', { token: user.accessToken })).status, 200);

    await redis.stop(2_000);
    redis = null;
    const gone = await h.request('get', '/v1/me', { token: user.accessToken });
    assert.deepEqual([gone.status, gone.body.error.code], [503, 'dependency_unavailable']);
  });
});
