/**
 * The Discord adapter's connection and inbound side against the fake:
 * conversion to the neutral model, what it ignores (its own messages and
 * webhooks, unwatched chats), resume after a dropped connection, the zombie
 * watchdog, catch-up from a cursor with no gap and no duplicate, purges,
 * revoked tokens and a Message Content intent turned off, token validation
 * and the platform registry.
 */
import assert from 'node:assert/strict';
import type { ActorSpec } from '../../../src/runtime-contracts/actor-contract.ts';
import { clientFactoryFor } from '../../../actors/platform/platform-registry.ts';
import { SessionActor } from '../../../actors/session-actor.ts';
import type { ThreadEvent } from '../../../src/runtime-contracts/thread-host-api.ts';
import type { PlatformClient } from '../../../actors/platform/platform-client.ts';
import { validateDiscordToken } from '../../../src/api/accounts/discord-token-check.ts';
import type { NeutralMessage } from '../../../src/forwarding/message/neutral-message.ts';
import { DiscordTokenInvalidError } from '../../../src/errors/registry.ts';
import { adapterClient, outgoing, recordingCallbacks, startWorld } from './adapter-test-kit.ts';
import type { Reports, World } from './adapter-test-kit.ts';
import { waitFor } from './discord-test-kit.ts';

describe('Discord adapter: connection and inbound', function () {
  this.timeout(30_000);
  let world: World;
  let client: PlatformClient;
  let reports: Reports;
  const clients: PlatformClient[] = [];

  async function open(w: World = world, cursor: Record<string, string> | null = null, watch = [w.source]): Promise<{ client: PlatformClient; reports: Reports }> {
    const recorded = recordingCallbacks();
    const c = adapterClient(w.runtime, w.bot.token, recorded.callbacks);
    clients.push(c);
    await c.connect(cursor);
    await c.watch(watch);
    return { client: c, reports: recorded.reports };
  }

  function contents(r: Reports): string[] {
    return r.inbound.filter((m) => m.kind === 'new').map((m) => (m.payload as NeutralMessage).text.text);
  }

  beforeEach(async () => {
    world = await startWorld();
    ({ client, reports } = await open());
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.disconnect();
    await world.fake.close();
  });

  it('reports new, edited and deleted messages of watched chats in the neutral model', async () => {
    const { fake, source } = world;
    const first = fake.postAsUser(source, { content: 'plain' });
    const styled = fake.postAsUser(source, {
      content: '**bold** text', replyTo: first.id, attachments: [{ name: 'photo.png', content: Buffer.alloc(64), contentType: 'image/png' }],
    });
    await waitFor('two messages', () => reports.inbound.length === 2);
    const payload = reports.inbound[1]!.payload as NeutralMessage;
    assert.equal(reports.inbound[1]!.kind, 'new');
    assert.equal(reports.inbound[1]!.chatId, source);
    assert.equal(reports.inbound[1]!.messageId, styled.id);
    assert.equal(payload.platform, 'discord');
    assert.equal(payload.author.name, 'Alice');
    assert.deepEqual(payload.text, { text: 'bold text', entities: [{ type: 'bold', offset: 0, length: 4 }] });
    assert.equal(payload.replyToMessageId, first.id);
    assert.equal(payload.attachments.length, 1);
    assert.deepEqual({ ...payload.attachments[0], url: '' }, { kind: 'photo', url: '', fileName: 'photo.png', sizeBytes: 64, contentType: 'image/png' });
    const served = await fetch(payload.attachments[0]!.url);
    assert.equal((await served.arrayBuffer()).byteLength, 64);

    fake.editAsUser(source, first.id, 'plain, edited');
    fake.deleteAsUser(source, styled.id);
    await waitFor('edit and delete', () => reports.inbound.length === 4);
    assert.deepEqual(reports.inbound.slice(2).map((m) => [m.kind, m.messageId]), [['edit', first.id], ['delete', styled.id]]);
    const edited = reports.inbound[2]!.payload as NeutralMessage;
    assert.equal(edited.text.text, 'plain, edited');
    assert.ok(edited.editedAt !== undefined);
    assert.deepEqual(client.cursor(), { [source]: styled.id });
  });

  it('ignores unwatched chats, its own messages and its own webhook copies, but not other webhooks', async () => {
    const { fake, source, destination } = world;
    const start = client.cursor();
    fake.postAsUser(destination, { content: 'not watched' });
    const own = await client.send({ taskId: 't1', idempotencyKey: 'k1', pairId: 'p', op: 'send', chatId: source, payload: outgoing('own') });
    const copy = await client.send({ taskId: 't2', idempotencyKey: 'k2', pairId: 'p', op: 'send', chatId: source, payload: outgoing('copy', { copyMode: true }) });
    assert.ok(own.ok && copy.ok);
    fake.postAsUser(source, { content: 'marker' });
    await waitFor('marker', () => contents(reports).includes('marker'));
    assert.deepEqual(contents(reports), ['marker']);
    assert.equal(client.cursor()[source], fake.messages(source).at(-1)!.id);

    // A fresh client (a restart) catching up over the same messages tells its webhook by who created it.
    await client.disconnect();
    const { reports: fresh } = await open(world, start, [source]);
    assert.deepEqual(contents(fresh), ['marker']);
  });

  it('reports a message from a webhook it did not create', async () => {
    const { fake, source, bot } = world;
    const otherBot = fake.createBot({ username: 'other' });
    fake.addMember(world.guildId, otherBot.id);
    const res = await fetch(`${fake.apiUrl}/v10/channels/${source}/webhooks`, {
      method: 'POST', headers: { authorization: `Bot ${otherBot.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Other' }),
    });
    const webhook = await res.json() as { id: string; token: string };
    await fetch(`${fake.apiUrl}/v10/webhooks/${webhook.id}/${webhook.token}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'from a foreign webhook', username: 'Hook' }),
    });
    await waitFor('webhook message', () => contents(reports).includes('from a foreign webhook'));
    assert.equal((reports.inbound[0]!.payload as NeutralMessage).author.name, 'Hook');
    assert.ok(bot.id !== otherBot.id);
  });

  it('loses nothing when the gateway drops: discord.js resumes and replays', async () => {
    const { fake, source, bot } = world;
    fake.postAsUser(source, { content: 'm0' });
    await waitFor('m0', () => reports.inbound.length === 1);
    fake.dropGateway(bot.id, { abrupt: true });
    for (let i = 1; i <= 20; i += 1) fake.postAsUser(source, { content: `m${i}` });
    await waitFor('all', () => reports.inbound.length === 21);
    assert.deepEqual(contents(reports), Array.from({ length: 21 }, (_, i) => `m${i}`));
    assert.equal(fake.stats().gateway.resumes, 1);
    assert.equal(await client.ping(), true);
    assert.deepEqual(reports.disconnects, []);
  });

  it('starts over from its cursor when the gateway goes silent (watchdog), with nothing lost or repeated', async () => {
    const quiet = await startWorld({ heartbeatIntervalMs: 60_000 }, { zombieTimeoutMs: 800 });
    try {
      const { client: c, reports: r } = await open(quiet);
      quiet.fake.postAsUser(quiet.source, { content: 'before' });
      await waitFor('before', () => r.inbound.length === 1);
      quiet.fake.zombieGateway(quiet.bot.id);
      for (let i = 0; i < 5; i += 1) quiet.fake.postAsUser(quiet.source, { content: `silent ${i}` });
      await waitFor('caught up', () => r.inbound.length === 6, 10_000);
      assert.ok(quiet.fake.stats().gateway.identifies >= 2, 'a new session was opened');
      quiet.fake.postAsUser(quiet.source, { content: 'after' });
      await waitFor('after', () => r.inbound.length === 7);
      assert.deepEqual(contents(r), ['before', ...Array.from({ length: 5 }, (_, i) => `silent ${i}`), 'after']);
      await c.disconnect();
    } finally {
      await quiet.fake.close();
    }
  });

  it('tells the actor when it cannot reconnect after the gateway went silent', async () => {
    const doomed = await startWorld({ heartbeatIntervalMs: 60_000 }, { zombieTimeoutMs: 500 });
    const { client: c, reports: r } = await open(doomed);
    await doomed.fake.close();
    await waitFor('onDisconnect', () => r.disconnects.length === 1, 10_000);
    assert.match(r.disconnects[0]!, /silent.*reconnecting failed/);
    assert.equal(await c.ping(), false);
    const send = await c.send({ taskId: 't', idempotencyKey: 'k', pairId: 'p', op: 'send', chatId: doomed.destination, payload: outgoing('x') });
    assert.ok(!send.ok && send.kind === 'transient');
  });

  it('catches up from a cursor, oldest first across pages, before live messages, with no gap and no duplicate', async () => {
    const { fake, source } = world;
    fake.postAsUser(source, { content: 'seen' });
    await waitFor('seen', () => reports.inbound.length === 1);
    const cursor = client.cursor();
    await client.disconnect();
    const offline = Array.from({ length: 230 }, (_, i) => fake.postAsUser(source, { content: `offline ${i}` }).id);
    const { client: again, reports: r } = await open(world, cursor, [source]);
    assert.equal(r.inbound.length, 230, 'the catch-up is reported before connect resolves');
    assert.deepEqual(r.inbound.map((m) => m.messageId), offline);
    fake.postAsUser(source, { content: 'live' });
    await waitFor('live', () => r.inbound.length === 231);
    assert.equal(contents(r).at(-1), 'live');
    assert.equal(new Set(r.inbound.map((m) => m.messageId)).size, 231);
    assert.equal(again.cursor()[source], fake.messages(source).at(-1)!.id);
  });

  it('watches a new chat from its newest message, and reports it to a restart from there', async () => {
    const { fake, destination } = world;
    fake.postAsUser(destination, { content: 'old' });
    // The gateway keeps order: once a later message of the watched source is in, 'old' came and went unwatched.
    fake.postAsUser(world.source, { content: 'marker' });
    await waitFor('the marker', () => reports.inbound.length === 1);
    await client.watch([world.source, destination]);
    const cursor = client.cursor();
    assert.equal(cursor[destination], fake.messages(destination).at(-1)!.id);
    // Reported for the durable cursor at once, before any message: a restart must not start at the newest again.
    assert.deepEqual(reports.positions, [{ [world.source]: '0' }, { [destination]: cursor[destination] }]);
    await client.disconnect();
    fake.postAsUser(destination, { content: 'new' });
    const { reports: r } = await open(world, cursor, [world.source, destination]);
    assert.deepEqual(contents(r), ['new']);
  });

  it('reports a rejected token: on connect, and when Discord revokes it while connected', async () => {
    const bad = recordingCallbacks();
    const c = adapterClient(world.runtime, 'not-a-token', bad.callbacks);
    await c.connect(null);
    assert.equal(bad.reports.rejected.length, 1);
    const revoked = await c.send({ taskId: 't', idempotencyKey: 'k', pairId: 'p', op: 'send', chatId: world.destination, payload: outgoing('x') });
    assert.equal(revoked.ok ? 'ok' : revoked.kind, 'revoked');

    world.fake.revokeToken(world.bot.id);
    await waitFor('rejected', () => reports.rejected.length === 1);
    assert.match(reports.rejected[0]!, /4004/);
    assert.equal(await client.ping(), false);
  });

  it('reports a purge (MESSAGE_DELETE_BULK) as one delete per message, oldest first', async () => {
    const { fake, source, destination } = world;
    const ids = [0, 1, 2].map((i) => fake.postAsUser(source, { content: `purge ${i}` }).id);
    const other = fake.postAsUser(destination, { content: 'unwatched' }).id;
    await waitFor('three messages', () => reports.inbound.length === 3);
    fake.purgeAsModerator(destination, [other, ids[0]!]);
    fake.purgeAsModerator(source, [ids[2]!, ids[0]!, ids[1]!]);
    await waitFor('three deletes', () => reports.inbound.length === 6);
    assert.deepEqual(reports.inbound.slice(3).map((m) => [m.kind, m.chatId, m.messageId]), ids.map((id) => ['delete', source, id]));
  });

  it('reports a Message Content intent the bot lacks (4014) as rejected, saying what to enable: on connect, and on a new session', async () => {
    world.fake.setMessageContentIntent(world.bot.id, false);
    const off = recordingCallbacks();
    const c = adapterClient(world.runtime, world.bot.token, off.callbacks);
    clients.push(c);
    await c.connect(null);
    assert.equal(off.reports.rejected.length, 1);
    assert.match(off.reports.rejected[0]!, /4014.*enable the Message Content intent for this bot in the Discord developer portal/);
    const refused = await c.send({ taskId: 't', idempotencyKey: 'k', pairId: 'p', op: 'send', chatId: world.destination, payload: outgoing('x') });
    assert.ok(!refused.ok && refused.kind === 'revoked' && /Message Content intent/.test(refused.message), JSON.stringify(refused));
    const identifies = world.fake.stats().gateway.identifies;
    await c.connect(null);
    assert.equal(off.reports.rejected.length, 2, 'a later connect is refused at once');
    assert.equal(world.fake.stats().gateway.identifies, identifies, 'without asking Discord again');

    // The connected client: its next IDENTIFY is refused, and it stops rather than reconnecting.
    world.fake.invalidateSession(world.bot.id, false);
    await waitFor('rejected', () => reports.rejected.length === 1);
    assert.match(reports.rejected[0]!, /Message Content intent/);
    assert.equal(reports.disconnects.length, 0);
    assert.equal(await client.ping(), false);
  });

  it('validates a token over REST: who the bot is and its servers, or a coded error', async () => {
    const identity = await validateDiscordToken(world.bot.token, { apiUrl: world.fake.apiUrl });
    assert.deepEqual(identity, { botUserId: world.bot.id, username: 'relay', servers: [{ id: world.guildId, name: 'Guild' }] });
    const before = world.fake.stats().gateway.connections;
    await assert.rejects(validateDiscordToken('nope', { apiUrl: world.fake.apiUrl }), (e: unknown) => {
      return e instanceof DiscordTokenInvalidError && e.code === 'discord_token_invalid' && e.status === 400;
    });
    assert.equal(world.fake.stats().gateway.connections, before, 'no gateway session');
  });

  it('runs under a SessionActor: running, inbound events, pause and resume with catch-up, revoked on a bad token', async () => {
    const factory = clientFactoryFor('discord', { loopback: null, discord: world.runtime, telegram: null });
    const spec = (credential: string): ActorSpec => ({
      actorId: `discord-${credential.slice(0, 4)}`, userId: 'u1', platform: 'discord', tier: 'pro', credential, fencingToken: 1,
    });
    const events: ThreadEvent[] = [];
    const actor = new SessionActor({ spec: spec(world.bot.token), factory, connectionId: 'c1', emit: (e) => events.push(e) });
    assert.equal(await actor.start(null), 'running');
    await actor.watch([world.source]);
    const inbound = () => events.filter((e) => e.type === 'inbound').map((e) => (e.message.payload as NeutralMessage).text.text);
    world.fake.postAsUser(world.source, { content: 'live' });
    await waitFor('live', () => inbound().length === 1);
    const cursor = await actor.pause();
    world.fake.postAsUser(world.source, { content: 'while paused' });
    assert.equal(await actor.resume(cursor), 'running');
    await waitFor('caught up', () => inbound().length === 2);
    assert.deepEqual(inbound(), ['live', 'while paused']);
    assert.equal((await actor.health()).connected, true);
    await actor.stop();

    const bad = new SessionActor({ spec: spec('bad-token'), factory, connectionId: 'c2', emit: () => {} });
    assert.equal(await bad.start(null), 'revoked');
  });

  it('is the registry\'s client for the discord platform when the thread has a runtime', () => {
    assert.equal(typeof clientFactoryFor('discord', { loopback: null, discord: world.runtime, telegram: null }), 'function');
    assert.throws(() => clientFactoryFor('discord', { loopback: null, discord: null, telegram: null }), { code: 'platform_unsupported' });
  });
});
