/**
 * What an idle Telegram session costs, against the fake: the settled heap,
 * external memory and RSS one connected, idle client adds (measured in a
 * thread of its own, many clients at once); that `trackedBytes()` reports
 * about that much; and that what a client keeps of the users and chats it
 * sees stays bounded however many it meets (gramjs alone would keep them
 * all: gramjs issue #816).
 */
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import type { PlatformClient } from '../../../actors/platform/platform-client.ts';
import { adapterClient, newPhone, recordingCallbacks, savedSession, startWorld, waitFor } from './adapter-test-kit.ts';
import type { World } from './adapter-test-kit.ts';
import type { MemoryReport } from './telegram-adapter-memory.worker.ts';
import type { NeutralMessage } from '../../../src/forwarding/message/neutral-message.ts';

/** Idle clients measured together: enough that one collection's noise divides away. */
const CLIENTS = 40;

describe('Telegram adapter: memory', function () {
  this.timeout(120_000);
  let world: World;
  const clients: PlatformClient[] = [];

  beforeEach(async () => {
    world = await startWorld({}, { peerCacheSize: 16 });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.disconnect();
    await world.fake.close();
  });

  it('an idle connected client costs well under 500 KB, and trackedBytes says about what it costs', async () => {
    const { fake } = world;
    const sessions: string[] = [];
    const watch: string[][] = [];
    for (let i = 0; i <= CLIENTS; i += 1) {
      const user = fake.createUser({ phone: newPhone(), firstName: `User ${i}` });
      const group = fake.createGroup({ title: `Group ${i}`, members: [user.id, world.bob.id], creatorId: world.bob.id });
      sessions.push(await savedSession(fake, user));
      watch.push([fake.markedId(group)]);
    }
    const worker = new Worker(new URL('./telegram-adapter-memory.worker.ts', import.meta.url), {
      workerData: {
        runtime: { endpoint: { ...world.runtime.endpoint, server: `${fake.host}:${fake.port}` } }, sessions, watch,
      },
    });
    let opened = 0;
    const report = await new Promise<MemoryReport>((resolve, reject) => {
      const stall = setTimeout(() => reject(new Error(`${opened} of ${sessions.length} clients connected and watching after 90 s`)), 90_000);
      worker.on('message', (m: { type: 'opened'; count: number } | { type: 'report'; report: MemoryReport }) => {
        if (m.type === 'opened') opened = m.count;
        else {
          clearTimeout(stall);
          resolve(m.report);
        }
      });
      worker.once('error', (err) => {
        clearTimeout(stall);
        reject(err);
      });
    });
    await worker.terminate();
    console.log(`      idle client: ${report.heapPerClient} B heap, ${report.externalPerClient} B external, ${report.rssPerClient} B RSS, ${report.trackedPerClient} B tracked`);
    assert.equal(report.rejected, 0);
    assert.ok(report.heapPerClient + report.externalPerClient < 150_000, 'heap and external memory of one idle client');
    assert.ok(report.rssPerClient < 500_000, 'RSS of one idle client');
    const measured = report.heapPerClient + report.externalPerClient;
    assert.ok(report.trackedPerClient > measured * 0.5 && report.trackedPerClient < measured * 2, 'trackedBytes within a factor of two of the measure');
  });

  it('keeps a bounded number of the peers it meets: many authors, one watched chat', async () => {
    const { fake, bob, account } = world;
    const authors = Array.from({ length: 60 }, (_, i) => fake.createUser({ phone: newPhone(), firstName: `Author${i}` }));
    const crowd = fake.createGroup({ title: 'Crowd', members: [account.id, bob.id, ...authors.map((a) => a.id)], creatorId: bob.id });
    const recorded = recordingCallbacks();
    const client = adapterClient(world.runtime, world.saved, recorded.callbacks);
    clients.push(client);
    await client.connect(null);
    await client.watch([fake.markedId(crowd)]);
    const idle = client.trackedBytes();
    for (const author of authors) fake.sendAsUser(author.id, crowd, { text: `from ${author.firstName}` });
    await waitFor('every message', () => recorded.reports.inbound.length === authors.length);
    const names = recorded.reports.inbound.map((m) => (m.payload as NeutralMessage).author.name);
    assert.deepEqual(names, authors.map((a) => a.firstName), 'each author named, though short updates carry no users');
    const busy = client.trackedBytes();
    // 16 recent peers of 240 B, 60 remembered message ids: a few KB, not one entry per author.
    assert.ok(busy - idle < 16 * 240 + 60 * 96 + 1_024, `grew by ${busy - idle} B`);
    client.dropCaches();
    assert.ok(client.trackedBytes() < busy, 'idle drops the recent peers');
  });
});
