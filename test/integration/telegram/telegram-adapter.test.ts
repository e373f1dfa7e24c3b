/**
 * The Telegram adapter's connection and inbound side, through the real
 * gramjs against the MTProto fake: resuming a stored session with no new
 * handshake; new, edited and deleted messages in a private chat, a basic
 * group, a supergroup and a channel, in the neutral model; what it ignores
 * (its own messages, unwatched chats); catch-up from a cursor with no gap
 * and no duplicate; and the platform registry.
 */
import assert from 'node:assert/strict';
import { Api } from 'telegram';
import type { ActorSpec } from '../../../src/runtime-contracts/actor-contract.ts';
import { clientFactoryFor } from '../../../actors/platform/platform-registry.ts';
import type { PlatformClient } from '../../../actors/platform/platform-client.ts';
import { SessionActor } from '../../../actors/session-actor.ts';
import type { ThreadEvent } from '../../../src/runtime-contracts/thread-host-api.ts';
import type { NeutralMessage } from '../../../src/forwarding/message/neutral-message.ts';
import { adapterClient, outgoing, recordingCallbacks, startWorld, texts, waitFor } from './adapter-test-kit.ts';
import type { Reports, World } from './adapter-test-kit.ts';
import { chatPositions } from '../../../actors/platform/telegram/update-state-cursor.ts';

describe('Telegram adapter: connection and inbound', function () {
  this.timeout(30_000);
  let world: World;
  const clients: PlatformClient[] = [];

  async function open(cursor: Record<string, string> | null = null, watch: string[] = Object.values(world.chats)): Promise<{ client: PlatformClient; reports: Reports }> {
    const recorded = recordingCallbacks();
    const client = adapterClient(world.runtime, world.saved, recorded.callbacks);
    clients.push(client);
    await client.connect(cursor);
    await client.watch(watch);
    return { client, reports: recorded.reports };
  }

  beforeEach(async () => {
    world = await startWorld();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.disconnect();
    await world.fake.close();
  });

  it('resumes the stored session without a new handshake, one connection, starting at each chat\'s newest message', async () => {
    const before = world.fake.stats();
    const { client, reports } = await open();
    const after = world.fake.stats();
    assert.equal(after.handshakes, before.handshakes, 'no new auth key');
    assert.equal(after.connectionsByUser[world.account.id], 1);
    assert.equal(after.duplicateKeyViolations, 0);
    assert.deepEqual(Object.keys(chatPositions(client.cursor())).sort(), Object.values(world.chats).sort());
    assert.ok(client.cursor()['~pts'] !== undefined, 'the update state is checkpointed with the cursor');
    // What the chats held before (the private "hello", the groups' creation) is not reported; the next message is.
    world.fake.sendAsUser(world.bob.id, world.account.id, { text: 'first live' });
    await waitFor('first live', () => reports.inbound.length > 0);
    assert.deepEqual(texts(reports), ['first live']);
  });


  const places = ['private', 'group', 'supergroup', 'channel'] as const;
  for (const place of places) {
    it(`reports new, edited and deleted messages in a ${place} chat, in the neutral model`, async () => {
      const { fake, bob, account } = world;
      const { client, reports } = await open();
      const peer = place === 'private' ? account.id : world[place];
      const chatId = world.chats[place];
      const first = fake.sendAsUser(bob.id, peer, { text: 'plain' });
      const bold = [new Api.MessageEntityBold({ offset: 0, length: 4 })];
      const styled = fake.sendAsUser(bob.id, peer, { text: 'bold text', entities: bold, replyToMsgId: first.id });
      await waitFor('two messages', () => reports.inbound.length === 2);
      const [m1, m2] = reports.inbound as [typeof reports.inbound[0], typeof reports.inbound[0]];
      assert.deepEqual([m1.kind, m1.chatId], ['new', chatId]);
      const payload = m2.payload as NeutralMessage;
      assert.equal(payload.platform, 'telegram');
      assert.equal(payload.chatId, chatId);
      assert.deepEqual(payload.text, { text: 'bold text', entities: [{ type: 'bold', offset: 0, length: 4 }] });
      assert.equal(payload.replyToMessageId, m1.messageId);
      if (place === 'channel') assert.deepEqual(payload.author, { id: chatId, name: 'Channel' }, 'a broadcast post is signed by the channel');
      else assert.deepEqual(payload.author, { id: bob.id, name: 'Bob Stone' });
      assert.equal(m2.at, payload.at);
      assert.ok(Math.abs(payload.at - Date.now()) < 5_000);

      fake.editAsUser(bob.id, peer, first.id, { text: 'plain, edited' });
      fake.deleteAsUser(bob.id, peer, [styled.id]);
      await waitFor('edit and delete', () => reports.inbound.length === 4);
      assert.deepEqual(reports.inbound.slice(2).map((m) => [m.kind, m.chatId, m.messageId]), [['edit', chatId, m1.messageId], ['delete', chatId, m2.messageId]]);
      const edited = reports.inbound[2]!.payload as NeutralMessage;
      assert.equal(edited.text.text, 'plain, edited');
      assert.ok(edited.editedAt !== undefined);
      assert.equal(client.cursor()[chatId], m2.messageId);
    });
  }

  it('ignores unwatched chats and what the account posts itself', async () => {
    const { fake, bob, account } = world;
    const { client, reports } = await open(null, [world.chats.group]);
    fake.sendAsUser(bob.id, account.id, { text: 'private, not watched' });
    fake.sendAsUser(bob.id, world.supergroup, { text: 'supergroup, not watched' });
    const own = await client.send({ taskId: 't', idempotencyKey: 'k', pairId: 'p', op: 'send', chatId: world.chats.group, payload: outgoing('own') });
    assert.ok(own.ok);
    fake.sendAsUser(account.id, world.group, { text: 'own, from another device' });
    fake.sendAsUser(bob.id, world.group, { text: 'marker' });
    await waitFor('marker', () => texts(reports).includes('marker'));
    assert.deepEqual(texts(reports), ['marker']);
    assert.equal(client.cursor()[world.chats.group], String(fake.messages(world.group).at(-1)!.ids[account.id]));
  });

  for (const from of ['chat positions', 'the stored update state'] as const) it(`catches up from a cursor (${from}), oldest first, with no gap and no duplicate, before any live message`, async () => {
    const { fake, bob, account } = world;
    const { client } = await open();
    const cursor = from === 'chat positions' ? chatPositions(client.cursor()) : { ...client.cursor() };
    await client.disconnect();
    const calls = { ...fake.stats().calls };
    const sent: string[] = [];
    for (let i = 0; i < 130; i += 1) {
      const peer = [account.id, world.group, world.supergroup, world.channel][i % 4]!;
      fake.sendAsUser(bob.id, peer, { text: `missed ${i}` });
      sent.push(`missed ${i}`);
    }
    // A fresh client (a restart): no update state, only the cursor.
    const { client: fresh, reports } = await open(cursor);
    fake.sendAsUser(bob.id, world.group, { text: 'live' });
    await waitFor('everything', () => reports.inbound.length === 131);
    const got = texts(reports);
    assert.equal(got.at(-1), 'live');
    for (const chatId of Object.values(world.chats)) {
      const inChat = reports.inbound.filter((m) => m.chatId === chatId).map((m) => Number(m.messageId));
      assert.deepEqual(inChat, [...inChat].sort((a, b) => a - b), `oldest first in ${chatId}`);
    }
    assert.deepEqual(new Set(got).size, 131, 'no duplicate');
    assert.deepEqual([...got.slice(0, -1)].sort(), [...sent].sort());
    assert.equal(fresh.cursor()[world.chats.group], String(fake.messages(world.group).at(-1)!.ids[account.id]));
    const used = (method: string) => (fake.stats().calls[method] ?? 0) - (calls[method] ?? 0);
    if (from === 'chat positions') assert.ok(used('messages.getHistory') >= 4 && used('updates.getState') === 1, 'read from the history');
    else assert.ok(used('messages.getHistory') === 0 && used('updates.getDifference') >= 1 && used('updates.getChannelDifference') >= 2, 'from the difference');
  });

  it('is the factory the registry gives for `telegram`, and runs under a SessionActor: pause, resume with the difference, idle, revoked', async () => {
    const { fake, bob } = world;
    const factory = clientFactoryFor('telegram', { loopback: null, discord: null, telegram: world.runtime });
    const events: ThreadEvent[] = [];
    const spec: ActorSpec = { actorId: 'tg-1', userId: 'u1', platform: 'telegram', tier: 'free', credential: world.saved, fencingToken: 1 };
    const actor = new SessionActor({ spec, factory, connectionId: 'c1', emit: (e) => events.push(e) });
    const inbound = () => events.flatMap((e) => (e.type === 'inbound' ? [`${e.message.kind} ${(e.message.payload as NeutralMessage).text.text}`] : []));
    assert.equal(await actor.start(null), 'running');
    await actor.watch([world.chats.group, world.chats.channel]);
    const live = fake.sendAsUser(bob.id, world.group, { text: 'live' });
    await waitFor('live', () => inbound().length === 1);
    const cursor = await actor.pause();
    await waitFor('paused: no connection', () => (fake.stats().connectionsByUser[world.account.id] ?? 0) === 0);
    fake.sendAsUser(bob.id, world.group, { text: 'while paused' });
    fake.sendAsUser(bob.id, world.channel, { text: 'channel while paused' });
    fake.editAsUser(bob.id, world.group, live.id, { text: 'live, edited while paused' });
    assert.equal(await actor.resume(cursor), 'running');
    await waitFor('caught up', () => inbound().length === 4);
    assert.deepEqual(inbound().slice(1).sort(), ['edit live, edited while paused', 'new channel while paused', 'new while paused']);
    await actor.idle();
    fake.sendAsUser(bob.id, world.group, { text: 'wakes it' });
    await waitFor('running again', () => actor.state === 'running');
    const health = await actor.health();
    assert.equal(health.connected, true);
    assert.ok(health.trackedBytes > 0);
    fake.revoke(world.account.id, 'AUTH_KEY_UNREGISTERED');
    const result = await actor.send({ taskId: 't', idempotencyKey: 'k', pairId: 'p', op: 'send', chatId: world.chats.group, payload: outgoing('x') });
    assert.equal(result.ok ? 'ok' : result.kind, 'revoked');
    await waitFor('revoked', () => actor.state === 'revoked');
    assert.throws(() => clientFactoryFor('telegram', { loopback: null, discord: null, telegram: null }), { code: 'platform_unsupported' });
  });
});
