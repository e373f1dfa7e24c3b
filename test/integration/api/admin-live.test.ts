/**
 * `GET /v1/admin/live`: server-sent events of the cluster for the admin
 * dashboard, read from the supervisors' snapshots in Redis.
 */
import assert from 'node:assert/strict';
import { publishSnapshot, removeSnapshot } from '../../../src/cluster/admin-channel.ts';
import type { RegisteredUser } from '../../helpers/api-harness.ts';
import { snapshotA } from '../../helpers/snapshot-fixtures.ts';
import { startResourceWorld, type ResourceWorld } from './resource-fixtures.ts';

interface ClusterEvent { at: number; supervisors: number; workers: Array<{ workerId: string }>; sessions: Array<{ actorId: string; state: string }>; queues: Array<{ tier: string }> }

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
    assert.equal(before[0]?.data.supervisors, 0, 'no supervisor yet: an empty cluster, not an error');

    const now = Date.now();
    await publishSnapshot(world.h.ctx.redis, snapshotA(now), 60_000);
    const seen = await events(url, admin.accessToken, 2);
    assert.equal(seen.length, 2);
    for (const { event, data } of seen) {
      assert.equal(event, 'cluster');
      assert.equal(data.supervisors, 1);
      assert.deepEqual(data.workers.map((w) => w.workerId), ['w-a1', 'w-a2']);
      assert.equal(data.sessions.length, 5);
      assert.deepEqual(data.queues.map((q) => q.tier), ['elite', 'pro', 'free']);
    }
    assert.ok(seen[1]!.data.at - seen[0]!.data.at >= 400, 'the second event an interval later');
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
