/**
 * The Telegram adapter when things go wrong, against the fake: a dropped
 * connection (gramjs reconnects, the difference brings what was missed) and
 * a zombie one (the watchdog notices and starts over), both losing nothing
 * and reporting nothing twice; sessions Telegram ends (every terminal error,
 * at connect, on a send, and a key used from two places at once); and
 * FLOOD_WAIT coming back at once as `flood_wait`, and held to until over.
 */
import assert from 'node:assert/strict';
import type { PlatformClient } from '../../../actors/platform/platform-client.ts';
import { adapterClient, outgoing, recordingCallbacks, startWorld, texts, waitFor } from './adapter-test-kit.ts';
import type { Reports, World } from './adapter-test-kit.ts';
import type { TelegramRuntimeOptions } from '../../../src/runtime-contracts/platform-options.ts';
import { newClient } from './telegram-test-kit.ts';

describe('Telegram adapter: faults', function () {
  this.timeout(30_000);
  let world: World;
  const clients: PlatformClient[] = [];

  async function setUp(runtime: Partial<TelegramRuntimeOptions> = {}): Promise<void> {
    world = await startWorld({}, { silenceMs: 400, probeTimeoutMs: 300, ...runtime });
  }

  async function open(): Promise<{ client: PlatformClient; reports: Reports }> {
    const recorded = recordingCallbacks();
    const client = adapterClient(world.runtime, world.saved, recorded.callbacks);
    clients.push(client);
    await client.connect(null);
    await client.watch(Object.values(world.chats));
    return { client, reports: recorded.reports };
  }

  /** Posts `n` messages round the four chats, an edit and a delete; returns what the client must report. */
  function postEverywhere(n: number, tag: string, edit: { place: 'group' | 'channel'; id: number } | null = null): string[] {
    const { fake, bob, account } = world;
    const peers = [account.id, world.group, world.supergroup, world.channel];
    const out: string[] = [];
    for (let i = 0; i < n; i += 1) {
      fake.sendAsUser(bob.id, peers[i % peers.length]!, { text: `${tag} ${i}` });
      out.push(`${tag} ${i}`);
    }
    if (edit !== null) fake.editAsUser(bob.id, world[edit.place], edit.id, { text: `${tag} edited` });
    return out;
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.disconnect();
    await world.fake.close();
  });

  it('loses nothing and reports nothing twice when the connection drops: gramjs reconnects, the difference fills the gap', async () => {
    await setUp();
    const { fake, account } = world;
    const { reports } = await open();
    const before = fake.sendAsUser(world.bob.id, world.channel, { text: 'before' });
    const doomed = fake.sendAsUser(world.bob.id, world.group, { text: 'doomed' });
    await waitFor('before', () => reports.inbound.length === 2);
    const handshakes = fake.stats().handshakes;
    assert.equal(fake.dropConnections(account.id), 1);
    const expected = postEverywhere(20, 'missed', { place: 'channel', id: before.id });
    // A message seen before the drop, deleted while the connection was down: the delete is placed by its id.
    fake.deleteAsUser(world.bob.id, world.group, [doomed.id]);
    await waitFor('the missed messages, the edit and the delete', () => reports.inbound.length === 24);
    assert.deepEqual(texts(reports).slice(2).sort(), [...expected].sort());
    assert.deepEqual(texts(reports, 'edit'), ['missed edited']);
    const deleted = reports.inbound.filter((m) => m.kind === 'delete');
    assert.deepEqual(deleted.map((m) => [m.chatId, m.messageId]), [[world.chats.group, reports.inbound[1]!.messageId]]);
    const stats = fake.stats();
    assert.equal(stats.handshakes, handshakes, 'the same auth key');
    assert.equal(stats.duplicateKeyViolations, 0);
    assert.ok((stats.calls['updates.getDifference'] ?? 0) >= 1);
    assert.ok((stats.calls['updates.getChannelDifference'] ?? 0) >= 2);
    postEverywhere(4, 'after');
    await waitFor('live again', () => reports.inbound.length === 28);
    assert.deepEqual(reports.disconnects, []);
  });

  it('never comes back once closed: a drop then a disconnect leave no connection behind (gramjs would reconnect)', async () => {
    await setUp();
    const { fake, account } = world;
    const { client } = await open();
    assert.equal(fake.dropConnections(account.id), 1);
    // gramjs notices the drop at once and reconnects a second later, unless fenced.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    assert.equal(fake.stats().connections, 0, 'not even a silent socket');
    assert.equal(fake.stats().duplicateKeyViolations, 0);
  });

  it('closes a connection still being opened when told to disconnect (a fenced actor)', async () => {
    await setUp();
    const recorded = recordingCallbacks();
    const client = adapterClient(world.runtime, world.saved, recorded.callbacks);
    clients.push(client);
    const connecting = client.connect(null);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await client.disconnect();
    await connecting;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(world.fake.stats().connections, 0);
    assert.deepEqual(recorded.reports.rejected, []);
  });

  it('notices a zombie connection, starts over on a new one and fetches what it missed, once', async () => {
    await setUp();
    const { fake, account } = world;
    const { client, reports } = await open();
    postEverywhere(4, 'live');
    await waitFor('live', () => reports.inbound.length === 4);
    assert.equal(fake.zombie(account.id, true), 1);
    const expected = postEverywhere(12, 'missed');
    await waitFor('the missed messages', () => reports.inbound.length === 16, 8_000);
    assert.deepEqual(texts(reports).slice(4).sort(), [...expected].sort());
    const stats = fake.stats();
    assert.equal(stats.connectionsByUser[account.id], 1, 'the zombie was closed');
    assert.ok((stats.calls['updates.getDifference'] ?? 0) >= 1, 'what was missed came from the difference');
    assert.equal(stats.duplicateKeyViolations, 0);
    assert.ok(await client.ping());
    postEverywhere(4, 'after');
    await waitFor('live again', () => reports.inbound.length === 20);
    assert.equal(new Set(texts(reports)).size, 20, 'nothing twice');
  });

  for (const reason of ['AUTH_KEY_UNREGISTERED', 'SESSION_REVOKED', 'USER_DEACTIVATED_BAN'] as const) {
    it(`reports ${reason} at connect as rejected credentials, and answers sends with revoked`, async () => {
      await setUp();
      world.fake.revoke(world.account.id, reason);
      const recorded = recordingCallbacks();
      const client = adapterClient(world.runtime, world.saved, recorded.callbacks);
      clients.push(client);
      await client.connect(null);
      assert.equal(recorded.reports.rejected.length, 1);
      assert.match(recorded.reports.rejected[0]!, /Telegram ended the session/);
      const result = await client.send({ taskId: 't', idempotencyKey: 'k', pairId: 'p', op: 'send', chatId: world.chats.group, payload: outgoing('x') });
      assert.deepEqual({ ok: result.ok, kind: !result.ok && result.kind }, { ok: false, kind: 'revoked' });
      const calls = world.fake.stats().calls;
      await client.connect(null);
      assert.equal(recorded.reports.rejected.length, 2, 'told again, without asking Telegram');
      assert.deepEqual(world.fake.stats().calls, calls);
      assert.equal(world.fake.stats().connectionsByUser[world.account.id] ?? 0, 0);
    });
  }

  for (const [error, code] of [['AUTH_KEY_UNREGISTERED', 401], ['SESSION_REVOKED', 401], ['USER_DEACTIVATED', 401],
    ['USER_DEACTIVATED_BAN', 401], ['AUTH_KEY_DUPLICATED', 406], ['SESSION_EXPIRED', 401]] as const) {
    it(`ends the session on ${error} answering a send`, async () => {
      await setUp();
      const { client, reports } = await open();
      world.fake.failNext('messages.sendMessage', { error, code });
      const result = await client.send({ taskId: 't', idempotencyKey: 'k', pairId: 'p', op: 'send', chatId: world.chats.group, payload: outgoing('x') });
      assert.equal(result.ok ? 'ok' : result.kind, 'revoked');
      assert.equal(reports.rejected.length, 1);
      assert.match(reports.rejected[0]!, new RegExp(error));
      await waitFor('the connection to close', () => (world.fake.stats().connectionsByUser[world.account.id] ?? 0) === 0);
    });
  }

  it('notices a session ended while idle, from the watchdog\'s probe (an authorized request, not a bare ping)', async () => {
    await setUp();
    const { reports } = await open();
    world.fake.revoke(world.account.id, 'SESSION_REVOKED');
    await waitFor('rejected credentials', () => reports.rejected.length === 1, 5_000);
    assert.equal(reports.rejected[0], 'Telegram ended the session (SESSION_REVOKED)');
    assert.deepEqual(reports.disconnects, []);
  });

  it('ends the session when its key is used from two places at once (AUTH_KEY_DUPLICATED)', async () => {
    await setUp();
    const { client, reports } = await open();
    // A second copy of the session: Telegram answers it 406 AUTH_KEY_DUPLICATED and forgets the key.
    const copy = await newClient(world.fake, { session: world.saved, connect: false });
    await copy.connect().catch(() => {});
    await copy.destroy();
    const result = await client.send({ taskId: 't', idempotencyKey: 'k', pairId: 'p', op: 'send', chatId: world.chats.group, payload: outgoing('x') });
    assert.equal(result.ok ? 'ok' : result.kind, 'revoked');
    await waitFor('rejected credentials', () => reports.rejected.length === 1);
    assert.match(reports.rejected[0]!, /AUTH_KEY_UNREGISTERED/, 'Telegram forgot the key');
    assert.ok(world.fake.stats().duplicateKeyViolations >= 1);
  });

  it('answers FLOOD_WAIT at once with flood_wait and the wait, never sleeping', async () => {
    await setUp();
    const { client } = await open();
    world.fake.floodWait('messages.sendMessage', 30);
    const started = Date.now();
    const result = await client.send({ taskId: 't', idempotencyKey: 'k', pairId: 'p', op: 'send', chatId: world.chats.group, payload: outgoing('x') });
    assert.ok(Date.now() - started < 1_000);
    assert.deepEqual(result.ok ? null : [result.kind, result.retryAfterMs], ['flood_wait', 30_000]);
    assert.match(result.ok ? '' : result.message, /^Telegram asked to wait 30 s: A wait of 30 seconds is required/);
    // The account honours the wait: a send meanwhile is handed back unsent, with what is left of it.
    const calls = world.fake.stats().calls['messages.sendMessage'];
    const again = await client.send({ taskId: 't', idempotencyKey: 'k', pairId: 'p', op: 'send', chatId: world.chats.group, payload: outgoing('x') });
    assert.ok(!again.ok && again.kind === 'flood_wait' && again.paced === true && again.scope === 'account', JSON.stringify(again));
    assert.ok(again.retryAfterMs! > 28_000 && again.retryAfterMs! <= 30_000);
    assert.equal(world.fake.stats().calls['messages.sendMessage'], calls, 'Telegram was not asked again');
  });
});
