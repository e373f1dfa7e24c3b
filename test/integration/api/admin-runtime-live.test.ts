/**
 * The admin runtime routes against a real supervisor runtime (worker
 * processes, loopback actors) sharing the API's Redis namespace: what the
 * admin sees and steers is what runs.
 */
import assert from 'node:assert/strict';
import { startSupervisorRuntime, type SupervisorRuntime } from '../../../supervisor/supervisor-runtime.ts';
import type { RegisteredUser } from '../../helpers/api-harness.ts';
import { TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { loopbackSpec, logger, waitFor } from '../supervisor/fixture.ts';
import { startResourceWorld, type ResourceWorld } from './resource-fixtures.ts';

describe('api: admin runtime control of a live supervisor', function () {
  this.timeout(60_000);
  let world: ResourceWorld;
  let admin: RegisteredUser;
  let runtime: SupervisorRuntime;

  before(async () => {
    world = await startResourceWorld();
    admin = await world.h.registerUser({ role: 'admin' });
    const ctx = world.h.ctx;
    runtime = await startSupervisorRuntime({
      config: ctx.config, redis: ctx.redis, redisUrl: TEST_REDIS_URL, logger, onEscalate: () => {},
      options: { supervisorId: 'live-api', workers: 1, threadsPerWorker: 1, threadMaxOldGenerationMb: 128, leaseTtlMs: 3_000, statusIntervalMs: 200 },
    });
    await runtime.supervisor.addSession(loopbackSpec(1, 'free'));
  });
  after(async () => {
    await runtime?.stop();
    await world?.close();
  });

  const as = (method: string, path: string, body?: unknown) =>
    world.h.request(method, path, { token: admin.accessToken, ...(body === undefined ? {} : { body }) });

  it('lists the running session and pauses and resumes it for real', async () => {
    await waitFor('the session in the snapshot', async () => {
      const res = await as('get', '/v1/admin/sessions');
      return res.status === 200 && JSON.stringify(res.body).includes('session-1');
    });
    const paused = await as('post', '/v1/admin/sessions/session-1/pause', {});
    assert.equal(paused.status, 200, JSON.stringify(paused.body));
    assert.equal(runtime.supervisor.sessions.get('session-1')?.state, 'paused');
    const resumed = await as('post', '/v1/admin/sessions/session-1/resume', {});
    assert.equal(resumed.status, 200, JSON.stringify(resumed.body));
    assert.equal(runtime.supervisor.sessions.get('session-1')?.state, 'running');
    const workers = await as('get', '/v1/admin/workers');
    assert.equal(workers.status, 200);
    assert.ok(JSON.stringify(workers.body).includes('live-api'));
  });
});
