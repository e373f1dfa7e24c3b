/**
 * The API while PostgreSQL is down (a private cluster of the test's own,
 * stopped in fast mode): requests answer 503 `dependency_unavailable` with
 * Retry-After, never 500, write nothing, and the same requests succeed once
 * the server is back, in the same process (the pool reconnects by itself).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { User } from '../../../src/db/entities/index.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../src/infra/embedded-postgres.ts';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';
import { freePort } from '../infra/free-port.ts';
import { logger, waitFor } from '../supervisor/fixture.ts';

describe('API during a PostgreSQL outage (a private cluster)', function () {
  this.timeout(90_000);
  let dir = '';
  let postgres: EmbeddedPostgres | null = null;
  let api: ApiHarness | null = null;

  afterEach(async () => {
    await api?.close().catch(() => {});
    api = null;
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

    await postgres.stop(10_000);
    postgres = null;
    const read = await h.request('get', '/v1/pairs', { token: user.accessToken });
    assert.equal(read.status, 503);
    assert.equal(read.body.error.code, 'dependency_unavailable');
    assert.equal(read.body.error.message, 'Storage is unavailable: a database server does not answer; try again in a few seconds');
    assert.equal(read.headers['retry-after'], '5');
    const registered = await h.request('post', '/v1/auth/register', { body: { email: 'outage@example.com', password: 'a-long-enough-password-1' } });
    assert.equal(registered.status, 503);
    assert.equal(registered.body.error.code, 'dependency_unavailable');

    postgres = await start();
    // The pool finds its dead connections on use: a request or two may still meet one.
    await waitFor('the API serving again', async () => (await h.request('get', '/v1/pairs', { token: user.accessToken })).status === 200, 30_000);
    assert.equal(await h.ctx.orm.em.fork().count(User, { email: 'outage@example.com' }), 0, 'the refused registration wrote nothing');
  });
});
