/**
 * `GET /v1/admin/live`: server-sent events of the cluster for the admin
 * dashboard, read from the supervisors' snapshots in Redis; and
 * `PUT /v1/admin/supervisors/{id}/pressure`, the watermarks the dashboard sets.
 */
import assert from 'node:assert/strict';
import { AdminCommandListener, publishSnapshot, removeSnapshot } from '../../../src/cluster/admin-channel.ts';
import type { AdminRequest } from '../../../src/cluster/status-snapshot.ts';
import { startApiHarness, type RegisteredUser } from '../../helpers/api-harness.ts';
import { snapshotA } from '../../helpers/snapshot-fixtures.ts';
import { auditOf, startResourceWorld, type ResourceWorld } from './resource-fixtures.ts';

interface ClusterEvent { at: number; supervisors: Array<{ supervisorId: string; pressure: { highWatermark: number }; ownership: unknown }>; workers: Array<{ workerId: string }>; sessions: Array<{ actorId: string; state: string }>; queues: Array<{ tier: string }> }

/** Reads `count` events off the stream, then closes it. */
async function events(url: string, token: string, count: number): Promise<Array<{ event: string; data: ClusterEvent }>> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const out: Array<{ event: string; data: ClusterEvent }> = [];
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (data !== undefined) out.push({ event, data: JSON.parse(data) as ClusterEvent });
    }
    if (out.length >= count) break;
  }
  controller.abort();
  return out;
}

describe('api: admin live events', function () {
  this.timeout(30_000);
  let world: ResourceWorld;
  let admin: RegisteredUser;

  before(async () => {
    world = await startResourceWorld();
    admin = await world.h.registerUser({ role: 'admin' });
  });
  after(async () => {
    await removeSnapshot(world.h.ctx.redis, 'sup-a');
    await world?.close();
  });

  it('pushes the cluster at once and then every interval, following the snapshots', async () => {
    const url = `${world.h.baseUrl}/v1/admin/live?intervalMs=500`;
    const before = await events(url, admin.accessToken, 1);
    assert.equal(before[0]?.event, 'cluster');
    assert.deepEqual(before[0]?.data.supervisors, [], 'no supervisor yet: an empty cluster, not an error');

    const now = Date.now();
    await publishSnapshot(world.h.ctx.redis, snapshotA(now), 60_000);
    const seen = await events(url, admin.accessToken, 2);
    assert.equal(seen.length, 2);
    for (const { event, data } of seen) {
      assert.equal(event, 'cluster');
      assert.deepEqual(data.supervisors.map((x) => [x.supervisorId, x.pressure.highWatermark]), [['sup-a', 0.85]]);
      assert.deepEqual(data.supervisors.map((x) => x.ownership), [snapshotA(now).ownership]);
      assert.deepEqual(data.workers.map((w) => w.workerId), ['w-a1', 'w-a2']);
      assert.equal(data.sessions.length, 5);
      assert.deepEqual(data.queues.map((q) => q.tier), ['elite', 'pro', 'free']);
    }
    assert.ok(seen[1]!.data.at - seen[0]!.data.at >= 400, 'the second event an interval later');
  });

  it('ends its streams when the server shuts down, instead of holding the shutdown open', async () => {
    const other = await startApiHarness();
    const boss = await other.registerUser({ role: 'admin' });
    const res = await fetch(`${other.baseUrl}/v1/admin/live?intervalMs=500`, { headers: { authorization: `Bearer ${boss.accessToken}` } });
    assert.equal(res.status, 200);
    const reading = (async () => { for await (const _ of res.body as unknown as AsyncIterable<Uint8Array>) { /* drain */ } })();
    const started = Date.now();
    await other.close();
    await reading;
    assert.ok(Date.now() - started < 5_000, `closed in ${Date.now() - started} ms`);
  });

  it('is for admins only, and refuses a bad interval before streaming', async () => {
    const user = await world.h.registerUser();
    const refused = await world.h.request('get', '/v1/admin/live', { token: user.accessToken });
    assert.equal(refused.status, 403);
    const bad = await world.h.request('get', '/v1/admin/live?intervalMs=10', { token: admin.accessToken });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'validation_failed');
  });
});

describe('api: admin sets a supervisor\'s RAM watermarks', function () {
  this.timeout(30_000);
  let world: ResourceWorld;
  let admin: RegisteredUser;
  let listener: AdminCommandListener;
  const seen: AdminRequest[] = [];

  before(async () => {
    world = await startResourceWorld();
    admin = await world.h.registerUser({ role: 'admin' });
    await publishSnapshot(world.h.ctx.redis, snapshotA(Date.now()), 60_000);
    listener = new AdminCommandListener(world.h.ctx.redis, 'sup-a');
    await listener.start(async (req) => {
      seen.push(req);
      const r = req as { highWatermark?: number; lowWatermark?: number; pauseElite?: boolean };
      return { highWatermark: r.highWatermark ?? 0.85, lowWatermark: r.lowWatermark ?? 0.7, pauseElite: r.pauseElite ?? false };
    });
  });
  after(async () => {
    await listener?.stop();
    await removeSnapshot(world.h.ctx.redis, 'sup-a');
    await world?.close();
  });

  const put = (body: unknown, id = 'sup-a') => world.h.request('put', `/v1/admin/supervisors/${id}/pressure`, { token: admin.accessToken, body });

  it('sends the change to the supervisor, answers what is in force and audits it', async () => {
    const res = await put({ highWatermark: 0.5, lowWatermark: 0.4 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { supervisorId: 'sup-a', pressure: { highWatermark: 0.5, lowWatermark: 0.4, pauseElite: false } });
    assert.deepEqual(seen.map((r) => [r.command, (r as { highWatermark?: number }).highWatermark]), [['set-pressure', 0.5]]);
    const trail = await auditOf(world, 'sup-a');
    assert.equal(trail.at(-1)?.action, 'admin.runtime_set_pressure');
  });

  it('refuses bad watermarks with exact messages and sends nothing', async () => {
    const before = seen.length;
    const cases: Array<[unknown, number, string, string]> = [
      [{ highWatermark: 0 }, 400, 'validation_failed', 'highWatermark must be above 0'],
      [{ lowWatermark: 1.5 }, 400, 'validation_failed', 'lowWatermark must be at most 1'],
      [{ highWatermark: 0.5, lowWatermark: 0.6 }, 400, 'validation_failed', 'lowWatermark must be below highWatermark'],
      [{}, 400, 'validation_failed', 'Name at least one of highWatermark, lowWatermark, pauseElite'],
      [{ highWatermark: '0.5' }, 400, 'validation_failed', ''],
      // The snapshot keeps low at 0.7: a high of 0.6 alone would put low above it.
      [{ highWatermark: 0.6 }, 409, 'pressure_conflict', 'would have lowWatermark 0.7 at or above highWatermark 0.6'],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await put(body);
      assert.deepEqual([res.status, res.body.error.code], [status, code], JSON.stringify(body));
      assert.ok(JSON.stringify(res.body.error).includes(message), `${JSON.stringify(body)}: ${JSON.stringify(res.body.error)}`);
    }
    const unknown = await put({ highWatermark: 0.9 }, 'sup-nobody');
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'supervisor_not_found']);
    assert.equal(seen.length, before, 'no command sent');
    const user = await world.h.registerUser();
    assert.equal((await world.h.request('put', '/v1/admin/supervisors/sup-a/pressure', { token: user.accessToken, body: { highWatermark: 0.9 } })).status, 403);
  });
});
