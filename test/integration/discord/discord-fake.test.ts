/**
 * The Discord fake against the real, unmodified discord.js client: login and
 * READY, message events, sends, replies, webhooks, attachments, nonces,
 * threads started without a message, scripted 429s, bulk deletes,
 * slowmode, resume after a dropped or zombie connection with nothing lost,
 * RECONNECT and INVALID_SESSION, revoked tokens, a Message Content intent
 * turned off.
 */
import assert from 'node:assert/strict';
import { ChannelType, DiscordAPIError, Events, HTTPError, RateLimitError, Routes, ThreadAutoArchiveDuration } from 'discord.js';
import type { Client, GatewayDispatchPayload, TextChannel, ThreadChannel } from 'discord.js';
import { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import { readyClient, waitFor } from './discord-test-kit.ts';

describe('Discord fake (with the real discord.js client)', function () {
  this.timeout(30_000);
  let fake: DiscordFake;
  let bot: { id: string; token: string; username: string };
  let guildId: string;
  let channelId: string;
  const clients: Client[] = [];

  /** MESSAGE_* dispatches a client received, in order. */
  function recordMessages(client: Client): Array<{ t: string; id: string; content?: string; s: number }> {
    const seen: Array<{ t: string; id: string; content?: string; s: number }> = [];
    client.on(Events.Raw, (p: GatewayDispatchPayload) => {
      if (p.t === 'MESSAGE_CREATE' || p.t === 'MESSAGE_UPDATE' || p.t === 'MESSAGE_DELETE') {
        seen.push({ t: p.t, id: p.d.id, s: p.s, ...('content' in p.d ? { content: p.d.content } : {}) });
      }
    });
    return seen;
  }

  async function connect(token = bot.token, options: Parameters<typeof readyClient>[2] = {}): Promise<Client> {
    const client = await readyClient(fake, token, options);
    clients.push(client);
    return client;
  }

  beforeEach(async () => {
    fake = await DiscordFake.start({ heartbeatIntervalMs: 400 });
    bot = fake.createBot({ username: 'relay' });
    guildId = fake.createGuild({ name: 'Guild', bots: [bot.id] }).id;
    channelId = fake.createChannel(guildId, 'general').id;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.destroy();
    await fake.close();
  });

  it('logs discord.js in: READY, the bot user, its guild and channels', async () => {
    const client = await connect();
    assert.equal(client.user?.id, bot.id);
    assert.equal(client.user?.username, 'relay');
    assert.equal(client.guilds.cache.get(guildId)?.name, 'Guild');
    assert.equal(client.channels.cache.get(channelId)?.isTextBased(), true);
    const stats = fake.stats();
    assert.equal(stats.gateway.identifies, 1);
    assert.equal(stats.requests['GET /gateway/bot'], 1);
    const listed = await client.rest.get(Routes.guildChannels(guildId)) as Array<{ id: string }>;
    assert.deepEqual(listed.map((c) => c.id), [channelId]);
    const guilds = await client.rest.get(Routes.userGuilds()) as Array<{ id: string; name: string }>;
    assert.deepEqual(guilds.map((g) => g.name), ['Guild']);
  });

  it('dispatches MESSAGE_CREATE, MESSAGE_UPDATE and MESSAGE_DELETE of a user to the bot', async () => {
    const client = await connect();
    const created: string[] = [];
    const updated: string[] = [];
    const deleted: string[] = [];
    client.on(Events.MessageCreate, (m) => created.push(`${m.author.username}:${m.content}`));
    client.on(Events.MessageUpdate, (_old, m) => updated.push(m.content ?? ''));
    client.on(Events.MessageDelete, (m) => deleted.push(m.id));
    const posted = fake.postAsUser(channelId, { content: 'hello' });
    await waitFor('create', () => created.length === 1);
    assert.deepEqual(created, ['alice:hello']);
    fake.editAsUser(channelId, posted.id, 'hello, edited');
    await waitFor('update', () => updated.length === 1);
    assert.deepEqual(updated, ['hello, edited']);
    fake.deleteAsUser(channelId, posted.id);
    await waitFor('delete', () => deleted.length === 1);
    assert.deepEqual(deleted, [posted.id]);
  });

  it('blanks content for a bot without the MESSAGE_CONTENT intent, and refuses the intent when not enabled', async () => {
    const plain = fake.createBot({ username: 'plain', messageContentIntent: false });
    fake.addMember(guildId, plain.id);
    await assert.rejects(connect(plain.token), /Used disallowed intents|4014/);
    const { GatewayIntentBits } = await import('discord.js');
    const client = await connect(plain.token, { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] });
    const seen = recordMessages(client);
    fake.postAsUser(channelId, { content: 'secret' });
    await waitFor('create', () => seen.length === 1);
    assert.equal(seen[0]!.content, '');
  });

  it('stores what the bot sends: content, replies, files served back, silent flag, enforce_nonce', async () => {
    const client = await connect();
    const channel = client.channels.cache.get(channelId) as TextChannel;
    const original = fake.postAsUser(channelId, { content: 'question' });
    const reply = await channel.send({
      content: 'answer',
      reply: { messageReference: original.id },
      files: [{ attachment: Buffer.from('one'), name: 'a.txt' }, { attachment: Buffer.from('second file'), name: 'b.txt' }],
      flags: 1 << 12,
    });
    const stored = fake.message(reply.id)!;
    assert.equal(stored.authorId, bot.id);
    assert.equal(stored.content, 'answer');
    assert.equal(stored.reference?.messageId, original.id);
    assert.equal(stored.flags, 1 << 12);
    assert.deepEqual(stored.attachments.map((a) => [a.filename, a.size]), [['a.txt', 3], ['b.txt', 11]]);
    assert.equal(reply.attachments.size, 2);
    const served = await fetch(reply.attachments.first()!.url);
    assert.equal(await served.text(), 'one');

    const first = await channel.send({ content: 'once', nonce: 'task-1', enforceNonce: true });
    const again = await channel.send({ content: 'once', nonce: 'task-1', enforceNonce: true });
    assert.equal(again.id, first.id);
    assert.equal(fake.messages(channelId).filter((m) => m.content === 'once').length, 1);
    await assert.rejects(channel.send({ content: 'x'.repeat(2001) }), (e: unknown) => e instanceof DiscordAPIError && e.code === 50035);
  });

  it('runs webhooks: create, list, execute with username and avatar, edit and delete their messages, threads', async () => {
    const client = await connect();
    const channel = client.channels.cache.get(channelId) as TextChannel;
    const webhook = await channel.createWebhook({ name: 'Switchboard' });
    assert.equal((await channel.fetchWebhooks()).size, 1);
    const sent = await webhook.send({ content: 'as someone', username: 'Bob', avatarURL: 'https://example.com/bob.png' });
    const stored = fake.message(sent.id)!;
    assert.equal(stored.webhookId, webhook.id);
    assert.equal(stored.webhookName, 'Bob');
    assert.equal(stored.webhookAvatarUrl, 'https://example.com/bob.png');
    await webhook.editMessage(sent.id, { content: 'edited' });
    assert.equal(fake.message(sent.id)!.content, 'edited');
    await webhook.deleteMessage(sent.id);
    assert.equal(fake.message(sent.id), undefined);
    await assert.rejects(webhook.send({ content: 'x', username: 'Clyde' }), (e: unknown) => e instanceof DiscordAPIError && e.code === 50035);

    const threadId = fake.createThread(channelId, 'topic').id;
    await waitFor('THREAD_CREATE', () => client.channels.cache.has(threadId));
    const inThread = await webhook.send({ content: 'in thread', threadId });
    assert.equal(fake.message(inThread.id)!.channelId, threadId);
    const seen = recordMessages(client);
    fake.postAsUser(threadId, { content: 'user in thread' });
    await waitFor('thread message', () => seen.some((m) => m.content === 'user in thread'));
    assert.equal((client.channels.cache.get(threadId) as ThreadChannel).parentId, channelId);
  });

  it('starts a thread without a message: 201, THREAD_CREATE, and sends, edits and deletes in it', async () => {
    const client = await connect();
    const announced: Array<{ id: string; parent_id?: string | null; newly_created?: boolean }> = [];
    client.on(Events.Raw, (p: GatewayDispatchPayload) => {
      if (p.t === 'THREAD_CREATE') announced.push(p.d);
    });
    const channel = client.channels.cache.get(channelId) as TextChannel;
    const thread = await channel.threads.create({ name: 'from telegram', autoArchiveDuration: ThreadAutoArchiveDuration.OneHour });
    assert.equal(thread.type, ChannelType.PublicThread);
    assert.equal(thread.parentId, channelId);
    assert.equal(thread.ownerId, bot.id);
    assert.equal(thread.autoArchiveDuration, 60);
    assert.equal(fake.stats().requests['POST /channels/:id/threads'], 1);
    await waitFor('THREAD_CREATE', () => announced.length === 1);
    assert.deepEqual([announced[0]!.id, announced[0]!.parent_id, announced[0]!.newly_created], [thread.id, channelId, true]);
    const fetched = await client.rest.get(Routes.channel(thread.id)) as { id: string; owner_id: string };
    assert.equal(fetched.owner_id, bot.id, 'the bot sees its own thread');

    const sent = await thread.send('hello thread');
    assert.equal(fake.message(sent.id)!.channelId, thread.id);
    await sent.edit('hello thread, edited');
    assert.equal(fake.message(sent.id)!.content, 'hello thread, edited');
    await sent.delete();
    assert.equal(fake.message(sent.id), undefined);

    // Without `type` Discord makes a private thread; the answer is 201 and carries the bucket headers.
    const raw = await fetch(`${fake.apiUrl}/v10/channels/${channelId}/threads`, {
      method: 'POST', headers: { authorization: `Bot ${bot.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'raw' }),
    });
    assert.equal(raw.status, 201);
    assert.ok(raw.headers.get('x-ratelimit-bucket'));
    const created = await raw.json() as { type: number; parent_id: string; thread_metadata: { invitable?: boolean }; member: { user_id: string } };
    assert.deepEqual([created.type, created.parent_id, created.thread_metadata.invitable, created.member.user_id], [12, channelId, true, bot.id]);
  });

  it('shows a private thread only to its owner and bots that may manage threads', async () => {
    const other = fake.createBot({ username: 'other' });
    fake.addMember(guildId, other.id);
    fake.setPermission(other.id, channelId, 'manage_threads', false);
    const otherClient = await connect(other.token);
    const client = await connect();
    const channel = client.channels.cache.get(channelId) as TextChannel;
    const thread = await channel.threads.create({ name: 'private', type: ChannelType.PrivateThread, invitable: false });
    assert.equal(thread.type, ChannelType.PrivateThread);
    assert.equal(thread.invitable, false);
    await assert.rejects(otherClient.rest.get(Routes.channel(thread.id)), (e: unknown) => e instanceof DiscordAPIError && e.code === 50001);
    const seen = recordMessages(otherClient);
    fake.postAsUser(thread.id, { content: 'whisper' });
    const publicThread = await channel.threads.create({ name: 'public' });
    fake.postAsUser(publicThread.id, { content: 'aloud' });
    await waitFor('the public thread\'s message', () => seen.length === 1);
    assert.deepEqual(seen.map((m) => m.content), ['aloud']);
    assert.equal(otherClient.channels.cache.has(thread.id), false);
    assert.equal(otherClient.channels.cache.has(publicThread.id), true);
  });

  it('refuses a thread without the permission (50013), in a thread (50024), of an unknown channel (10003), with a bad body (50035)', async () => {
    const client = await connect();
    const create = (id: string, body: Record<string, unknown>) => client.rest.post(Routes.threads(id), { body });
    const apiError = (status: number, code: number) => (e: unknown) => e instanceof DiscordAPIError && e.status === status && e.code === code;
    const formError = (fields: Record<string, string>) => (e: unknown) => {
      if (!(e instanceof DiscordAPIError) || e.code !== 50035) return false;
      const errors = (e.rawError as { errors: Record<string, { _errors: Array<{ code: string }> }> }).errors;
      assert.deepEqual(Object.fromEntries(Object.entries(errors).map(([field, v]) => [field, v._errors[0]!.code])), fields);
      return true;
    };
    await assert.rejects(create(channelId, {}), formError({ name: 'BASE_TYPE_REQUIRED' }));
    await assert.rejects(create(channelId, { name: '' }), formError({ name: 'BASE_TYPE_BAD_LENGTH' }));
    await assert.rejects(create(channelId, { name: 'x'.repeat(101), type: 11 }), formError({ name: 'BASE_TYPE_BAD_LENGTH' }));
    await assert.rejects(
      create(channelId, { name: ['x'], type: 0, auto_archive_duration: 30, rate_limit_per_user: 21_601, invitable: 'yes' }),
      formError({
        name: 'STRING_TYPE_CONVERT', type: 'BASE_TYPE_CHOICES', auto_archive_duration: 'BASE_TYPE_CHOICES',
        rate_limit_per_user: 'NUMBER_TYPE_MAX', invitable: 'BOOLEAN_TYPE_CONVERT',
      }),
    );
    const threadId = fake.createThread(channelId, 'topic').id;
    await assert.rejects(create(threadId, { name: 'nested', type: 11 }), apiError(400, 50024));
    await assert.rejects(create('123456789012345678', { name: 'nowhere', type: 11 }), apiError(404, 10003));

    fake.setPermission(bot.id, channelId, 'create_private_threads', false);
    await assert.rejects(create(channelId, { name: 'private' }), apiError(403, 50013));
    await create(channelId, { name: 'public', type: 11 });
    fake.setPermission(bot.id, channelId, 'create_public_threads', false);
    await assert.rejects(create(channelId, { name: 'public', type: 11 }), apiError(403, 50013));
    fake.setPermission(bot.id, channelId, 'view', false);
    await assert.rejects(create(channelId, { name: 'public', type: 11 }), apiError(403, 50001));
    assert.equal(fake.stats().requests['POST /channels/:id/threads'], 10);
  });

  it('answers permission problems with 403 and counts them as invalid requests', async () => {
    const client = await connect();
    fake.setPermission(bot.id, channelId, 'send', false);
    await assert.rejects(
      client.rest.post(Routes.channelMessages(channelId), { body: { content: 'x' } }),
      (e: unknown) => e instanceof DiscordAPIError && e.status === 403 && e.code === 50013,
    );
    fake.setPermission(bot.id, channelId, 'manage_webhooks', false);
    await assert.rejects(client.rest.post(Routes.channelWebhooks(channelId), { body: { name: 'w' } }), (e: unknown) => e instanceof DiscordAPIError && e.status === 403);
    assert.equal(fake.stats().invalid[403], 2);
  });

  it('bulk-deletes 2 to 100 messages under 14 days old with Manage Messages, as one MESSAGE_DELETE_BULK', async () => {
    const client = await connect();
    const bulk: Array<{ ids: string[]; channel_id: string; guild_id?: string }> = [];
    client.on(Events.Raw, (p: GatewayDispatchPayload) => {
      if (p.t === 'MESSAGE_DELETE_BULK') bulk.push(p.d);
    });
    const ids = [0, 1, 2].map((i) => fake.postAsUser(channelId, { content: `purge ${i}` }).id);
    const kept = fake.postAsUser(channelId, { content: 'kept' }).id;
    const channel = client.channels.cache.get(channelId) as TextChannel;
    await channel.bulkDelete(ids.slice(0, 2));
    await waitFor('bulk dispatch', () => bulk.length === 1);
    assert.deepEqual(bulk[0], { ids: ids.slice(0, 2), channel_id: channelId, guild_id: guildId });
    assert.deepEqual(fake.messages(channelId).map((m) => m.id), [ids[2], kept]);

    const post = (messages: unknown) => client.rest.post(Routes.channelBulkDelete(channelId), { body: { messages } });
    const formError = (e: unknown) => e instanceof DiscordAPIError && e.status === 400 && e.code === 50035;
    await assert.rejects(post([ids[2]]), formError);
    await assert.rejects(post(Array.from({ length: 101 }, () => ids[2])), formError);
    // A snowflake of 15 days ago (its time is all that counts, the message need not exist).
    const old = ((BigInt(Date.now() - 15 * 86_400_000 - 1_420_070_400_000) << 22n)).toString();
    await assert.rejects(post([ids[2], old]), (e: unknown) => e instanceof DiscordAPIError && e.status === 400 && e.code === 50034);
    fake.setPermission(bot.id, channelId, 'manage_messages', false);
    await assert.rejects(post([ids[2], kept]), (e: unknown) => e instanceof DiscordAPIError && e.status === 403 && e.code === 50013);
    assert.equal(fake.messages(channelId).length, 2, 'refused bulk deletes delete nothing');

    // A moderator's purge: unknown ids count toward the limits and are skipped.
    assert.deepEqual(fake.purgeAsModerator(channelId, [ids[2]!, ids[0]!]), [ids[2]]);
    await waitFor('second bulk dispatch', () => bulk.length === 2);
    assert.deepEqual(bulk[1]!.ids, [ids[2]]);
    assert.throws(() => fake.purgeAsModerator(channelId, [kept]), /Invalid Form Body/);
  });

  it('answers a bot posting again within slowmode with 429 code 20016 and Retry-After; Manage Messages exempts', async () => {
    const client = await connect();
    const channel = client.channels.cache.get(channelId) as TextChannel;
    const updated = new Promise<number>((resolve) => client.on(Events.ChannelUpdate, (_old, next) => resolve((next as TextChannel).rateLimitPerUser)));
    fake.setSlowmode(channelId, 1);
    assert.equal(await updated, 1, 'CHANNEL_UPDATE carries rate_limit_per_user');
    await channel.send('exempt 1');
    await channel.send('exempt 2');
    fake.setPermission(bot.id, channelId, 'manage_messages', false);
    fake.setPermission(bot.id, channelId, 'manage_channels', false);
    const raw = (content: string) => fetch(`${fake.apiUrl}/v10/channels/${channelId}/messages`, {
      method: 'POST', headers: { authorization: `Bot ${bot.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ content }),
    });
    assert.equal((await raw('first')).status, 200);
    const refused = await raw('second');
    assert.equal(refused.status, 429);
    const body = await refused.json() as { code: number; retry_after: number; message: string };
    assert.equal(body.code, 20016);
    assert.match(body.message, /slowmode/);
    assert.ok(body.retry_after > 0 && body.retry_after <= 1);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    // discord.js (without rejectOnRateLimit) waits a slowmode 429 out like any other.
    const before = fake.stats().invalid[429];
    await channel.send('waited');
    assert.equal(fake.messages(channelId).filter((m) => m.content === 'waited').length, 1);
    assert.ok(fake.stats().invalid[429] > before);
  });

  it('pages channel history with after/before like Discord (newest first)', async () => {
    const client = await connect();
    const ids = Array.from({ length: 150 }, (_, i) => fake.postAsUser(channelId, { content: `m${i}` }).id);
    const page = await client.rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ after: ids[9]!, limit: '100' }) }) as Array<{ id: string }>;
    assert.equal(page.length, 100);
    assert.equal(page[0]!.id, ids[109]);
    assert.equal(page[99]!.id, ids[10]);
    const newest = await client.rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ limit: '5' }) }) as Array<{ id: string }>;
    assert.deepEqual(newest.map((m) => m.id), ids.slice(-5).reverse());
    const before = await client.rest.get(Routes.channelMessages(channelId), { query: new URLSearchParams({ before: ids[3]!, limit: '10' }) }) as Array<{ id: string }>;
    assert.deepEqual(before.map((m) => m.id), ids.slice(0, 3).reverse());
  });

  it('answers scripted 429s (rejected at once with rejectOnRateLimit, waited out by default) and 5xx', async () => {
    const rejecting = await connect(bot.token, { rest: { api: fake.apiUrl, rejectOnRateLimit: () => true, retries: 0 } });
    fake.rateLimit({ botUserId: bot.id, route: 'POST /channels/:id/messages', count: 1, retryAfterMs: 5_000 });
    const started = Date.now();
    await assert.rejects(
      rejecting.rest.post(Routes.channelMessages(channelId), { body: { content: 'x' } }),
      (e: unknown) => e instanceof RateLimitError && e.retryAfter >= 5_000,
    );
    assert.ok(Date.now() - started < 1_000, 'a rejected 429 returns at once');
    assert.equal(fake.stats().invalid[429], 1);

    const patient = await connect();
    fake.rateLimit({ route: 'POST /channels/:id/messages', count: 1, retryAfterMs: 300, global: true });
    const t0 = Date.now();
    await patient.rest.post(Routes.channelMessages(channelId), { body: { content: 'later' } });
    assert.ok(Date.now() - t0 >= 250, 'discord.js waited out the global limit');
    assert.equal(fake.messages(channelId).filter((m) => m.content === 'later').length, 1);

    fake.serverError({ route: 'POST /channels/:id/messages', count: 1, status: 503 });
    await assert.rejects(rejecting.rest.post(Routes.channelMessages(channelId), { body: { content: 'x' } }), (e: unknown) => e instanceof HTTPError && e.status === 503);
  });

  for (const how of ['close 4000', 'abrupt'] as const) {
    it(`resumes after a dropped connection (${how}) and replays every missed dispatch`, async () => {
      const client = await connect();
      const seen = recordMessages(client);
      fake.postAsUser(channelId, { content: 'before' });
      await waitFor('first', () => seen.length === 1);
      assert.equal(fake.dropGateway(bot.id, how === 'abrupt' ? { abrupt: true } : {}), 1);
      for (let i = 0; i < 20; i += 1) fake.postAsUser(channelId, { content: `during ${i}` });
      await waitFor('replay', () => seen.length === 21);
      assert.deepEqual(seen.map((m) => m.content), ['before', ...Array.from({ length: 20 }, (_, i) => `during ${i}`)]);
      assert.deepEqual(seen.map((m) => m.s), [...seen.map((m) => m.s)].sort((a, b) => a - b), 'sequence numbers increase');
      const stats = fake.stats().gateway;
      assert.equal(stats.identifies, 1);
      assert.equal(stats.resumes, 1);
    });
  }

  it('holds a zombie connection silent until discord.js notices the missing ACK and resumes', async () => {
    const client = await connect();
    const seen = recordMessages(client);
    await waitFor('a heartbeat', () => fake.stats().gateway.heartbeats > 0);
    fake.zombieGateway(bot.id);
    fake.postAsUser(channelId, { content: 'while zombie' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(seen.length, 0, 'a zombie delivers nothing');
    await waitFor('resume', () => fake.stats().gateway.resumes === 1, 5_000);
    await waitFor('replay', () => seen.length === 1);
    assert.equal(seen[0]!.content, 'while zombie');
  });

  it('follows RECONNECT with a resume, and a non-resumable INVALID_SESSION with a new IDENTIFY', async () => {
    const client = await connect();
    const seen = recordMessages(client);
    fake.requestReconnect(bot.id);
    fake.postAsUser(channelId, { content: 'after reconnect' });
    await waitFor('resume', () => fake.stats().gateway.resumes === 1);
    await waitFor('message', () => seen.length === 1);
    fake.invalidateSession(bot.id, false);
    await waitFor('identify', () => fake.stats().gateway.identifies === 2);
    await waitFor('connected', () => fake.connectedCount(bot.id) === 1);
    fake.postAsUser(channelId, { content: 'new session' });
    await waitFor('message', () => seen.length === 2);
  });

  it('closes with 4014 at IDENTIFY once the bot\'s Message Content intent is turned off', async () => {
    const client = await connect();
    fake.setMessageContentIntent(bot.id, false);
    const closed = new Promise<number>((resolve) => client.on(Events.ShardDisconnect, (event) => resolve(event.code)));
    fake.invalidateSession(bot.id, false);
    assert.equal(await closed, 4014);
    await assert.rejects(connect(), /Used disallowed intents|4014/);
    fake.setMessageContentIntent(bot.id, true);
    await connect();
  });

  it('refuses a bad token: login fails, and a revoked token closes the gateway with 4004 and answers 401', async () => {
    await assert.rejects(connect('not-a-token'), /invalid token/i);
    const client = await connect();
    const closed = new Promise<number>((resolve) => client.on(Events.ShardDisconnect, (event) => resolve(event.code)));
    fake.revokeToken(bot.id);
    assert.equal(await closed, 4004);
    await assert.rejects(client.rest.get(Routes.user('@me')), (e: unknown) => e instanceof DiscordAPIError && e.status === 401);
    assert.ok(fake.stats().invalid[401] >= 2);
  });
});
