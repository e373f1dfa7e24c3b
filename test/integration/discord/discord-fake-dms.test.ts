/**
 * Direct messages on the Discord fake, with the real discord.js client:
 * `client.users.send` and `createDM` (one DM channel per bot and user),
 * what the user received (buttons and embeds included), Discord's refusals
 * (50007 for a user who shares no guild with the bot or closed DMs, 50033
 * for an id naming no user, 50003 for guild-only actions in a DM), a
 * user's DM reaching the bot only with the DIRECT_MESSAGES intent, and the
 * rate-limit buckets of DMs.
 */
import assert from 'node:assert/strict';
import {
  ActionRowBuilder, ButtonBuilder, ButtonStyle, ChannelType, DiscordAPIError, EmbedBuilder, Events, GatewayIntentBits, Partials, Routes,
} from 'discord.js';
import type { Client, GatewayDispatchPayload, Message } from 'discord.js';
import { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import type { DiscordFakeOptions } from '../../fakes/discord/discord-fake.ts';
import { readyClient, waitFor } from './discord-test-kit.ts';

/** The DiscordAPIError with `code` and HTTP `status`. */
function apiError(code: number, status: number): (e: unknown) => boolean {
  return (e: unknown) => e instanceof DiscordAPIError && e.code === code && e.status === status;
}

describe('Discord fake direct messages (with the real discord.js client)', function () {
  this.timeout(20_000);
  let fake: DiscordFake;
  let bot: { id: string; token: string };
  let alice: string;
  let guildId: string;
  let channelId: string;
  const clients: Client[] = [];

  async function start(options: DiscordFakeOptions = {}): Promise<void> {
    fake = await DiscordFake.start({ heartbeatIntervalMs: 400, ...options });
    bot = fake.createBot({ username: 'control' });
    alice = fake.createUser({ username: 'alice', globalName: 'Alice' }).id;
    guildId = fake.createGuild({ name: 'Guild', users: [alice], bots: [bot.id] }).id;
    channelId = fake.createChannel(guildId, 'general').id;
  }

  async function connect(options: Parameters<typeof readyClient>[2] = {}): Promise<Client> {
    const client = await readyClient(fake, bot.token, options);
    clients.push(client);
    return client;
  }

  /** A request with the bot's token, answers as they come (discord.js would wait out a 429). */
  async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const response = await fetch(`${fake.apiUrl}/v10${path}`, {
      method, headers: { authorization: `Bot ${bot.token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() as Record<string, unknown>, headers: response.headers };
  }

  beforeEach(() => start());

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.destroy();
    await fake.close();
  });

  it('delivers client.users.send to the user, buttons and embeds included, in one DM channel per bot and user', async () => {
    const client = await connect();
    const sent = await client.users.send(alice, {
      content: 'Your plan renews tomorrow',
      embeds: [new EmbedBuilder().setTitle('Plan').setDescription('Pro')],
      components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('renew').setLabel('Renew').setStyle(ButtonStyle.Primary))],
    });
    assert.equal(sent.guildId, null);
    assert.equal(sent.channel.type, ChannelType.DM);
    assert.equal(sent.channelId, fake.dmChannelId(bot.id, alice));
    const [received, ...rest] = fake.dmMessages(bot.id, alice);
    assert.equal(rest.length, 0);
    assert.equal(received?.authorId, bot.id);
    assert.equal(received?.content, 'Your plan renews tomorrow');
    assert.equal(received?.guildId, null);
    assert.deepEqual((received?.embeds[0] as { title?: string }).title, 'Plan');
    assert.equal(((received?.components[0] as { components: Array<{ custom_id: string }> }).components[0])?.custom_id, 'renew');
    assert.deepEqual(fake.messages(sent.channelId).map((m) => m.id), [sent.id]);

    // Discord returns the existing DM: discord.js asked once (its cache), a forced createDM and a raw Create DM get the same channel.
    const again = await client.users.createDM(alice, { force: true });
    assert.equal(again.id, sent.channelId);
    const answer = await client.rest.post(Routes.userChannels(), { body: { recipient_id: alice } }) as Record<string, unknown>;
    assert.deepEqual(answer, {
      id: sent.channelId, type: 1, last_message_id: sent.id, flags: 0,
      recipients: [{ id: alice, username: 'alice', global_name: 'Alice', discriminator: '0', avatar: null, public_flags: 0, flags: 0 }],
    });
    const fetched = await client.rest.get(Routes.channel(sent.channelId)) as Record<string, unknown>;
    assert.deepEqual(fetched, answer);
    await client.users.send(alice, 'second');
    assert.deepEqual(fake.dmMessages(bot.id, alice).map((m) => m.content), ['Your plan renews tomorrow', 'second']);
    assert.equal(fake.stats().requests['POST /users/@me/channels'], 3);

    // Another bot has its own DM with the same user.
    const other = fake.createBot({ username: 'other' });
    assert.notEqual(fake.dmChannelId(other.id, alice), sent.channelId);
    assert.deepEqual(fake.dmMessages(other.id, alice), []);
  });

  it('refuses to DM a user who shares no guild with the bot, closed DMs or is a bot with 403 50007, though the DM opens', async () => {
    const client = await connect();
    const stranger = fake.createUser({ username: 'stranger' }).id;
    const dm = await client.users.createDM(stranger);
    await assert.rejects(dm.send('hi'), apiError(50007, 403));
    await assert.rejects(client.users.send(stranger, 'hi'), apiError(50007, 403));
    fake.addMember(guildId, stranger);
    await client.users.send(stranger, 'now we share a guild');

    fake.closeDms(alice);
    await assert.rejects(client.users.send(alice, 'hi'), apiError(50007, 403));
    fake.closeDms(alice, false);
    await client.users.send(alice, 'open again');
    assert.deepEqual(fake.dmMessages(bot.id, alice).map((m) => m.content), ['open again']);

    const otherBot = fake.createBot({ username: 'other' });
    fake.addMember(guildId, otherBot.id);
    await assert.rejects(client.users.send(otherBot.id, 'hi'), apiError(50007, 403));
    await assert.rejects(client.rest.post(Routes.userChannels(), { body: { recipient_id: bot.id } }), apiError(50007, 400));
  });

  it('answers an id naming no user with 400 50033, and a bad body with 50035', async () => {
    const client = await connect();
    await assert.rejects(client.users.send('123456789012345678', 'hi'), (e: unknown) => apiError(50033, 400)(e) && (e as Error).message === 'Invalid Recipient(s)');
    await assert.rejects(client.rest.post(Routes.userChannels(), { body: {} }), apiError(50035, 400));
    await assert.rejects(client.rest.post(Routes.userChannels(), { body: { recipient_id: 'alice' } }), (e: unknown) => {
      const errors = (e as DiscordAPIError).rawError as { errors?: { recipient_id?: { _errors: Array<{ code: string }> } } };
      return apiError(50035, 400)(e) && errors.errors?.recipient_id?._errors[0]?.code === 'NUMBER_TYPE_COERCE';
    });
  });

  it('answers 50003 for what only guild channels have, and lets the bot edit and delete its own DM', async () => {
    const client = await connect();
    const sent = await client.users.send(alice, 'draft');
    const dmId = sent.channelId;
    const fromAlice = fake.postAsUser(dmId, { content: 'hello bot' });
    assert.equal(fromAlice.authorId, alice);
    const notDm = apiError(50003, 403);
    await assert.rejects(client.rest.post(Routes.channelWebhooks(dmId), { body: { name: 'hook' } }), notDm);
    await assert.rejects(client.rest.post(Routes.threads(dmId), { body: { name: 't', type: 11 } }), notDm);
    await assert.rejects(client.rest.post(Routes.channelBulkDelete(dmId), { body: { messages: [sent.id, fromAlice.id] } }), notDm);
    await assert.rejects(client.rest.delete(Routes.channelMessage(dmId, fromAlice.id)), notDm);
    const history = await client.rest.get(Routes.channelMessages(dmId)) as Array<{ id: string; guild_id?: string }>;
    assert.deepEqual(history.map((m) => m.id), [fromAlice.id, sent.id]);
    assert.ok(history.every((m) => !('guild_id' in m)));
    await sent.edit('final');
    assert.equal(fake.message(sent.id)?.content, 'final');
    await sent.delete();
    assert.deepEqual(fake.dmMessages(bot.id, alice).map((m) => m.content), ['hello bot']);
    assert.throws(() => fake.setSlowmode(dmId, 5), /DM channel/);
    assert.throws(() => fake.clickButton({ channelId: dmId, messageId: fromAlice.id, customId: 'x' }), /not modelled/);
  });

  it('dispatches a user\'s DM to the bot only with the DIRECT_MESSAGES intent, without guild_id, content included', async () => {
    const withIntent = await connect({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages], partials: [Partials.Channel] });
    const withoutIntent = await connect();
    const got: Message[] = [];
    const rawDms: Array<Record<string, unknown>> = [];
    withIntent.on(Events.MessageCreate, (m) => got.push(m));
    withIntent.on(Events.Raw, (p: GatewayDispatchPayload) => {
      if (p.t === 'MESSAGE_CREATE') rawDms.push(p.d as unknown as Record<string, unknown>);
    });
    const seenWithout: string[] = [];
    withoutIntent.on(Events.MessageCreate, (m) => seenWithout.push(m.channelId));

    const dmId = fake.dmChannelId(bot.id, alice);
    fake.postAsUser(dmId, { content: '/help please' });
    await waitFor('the DM', () => got.length === 1);
    const [message] = got;
    assert.equal(message?.guildId, null);
    assert.equal(message?.channel.type, ChannelType.DM);
    assert.equal(message?.author.id, alice);
    assert.equal(message?.content, '/help please', 'DMs carry content without MESSAGE_CONTENT');
    assert.equal('guild_id' in rawDms[0]!, false);

    // The client without the intent saw a guild message posted after the DM, and never the DM.
    fake.postAsUser(channelId, { content: 'in the guild', userId: alice });
    await waitFor('the guild message', () => seenWithout.includes(channelId));
    assert.deepEqual(seenWithout, [channelId]);
    assert.equal(got.length, 1, 'no GUILD_MESSAGES intent: no guild message either');
  });

  it('puts DM sends in the channel message bucket of the DM, and Create DM in a bucket of its own', async () => {
    await fake.close();
    await start({ rateLimits: { channelMessages: { limit: 2, windowMs: 5_000 }, createDm: { limit: 2, windowMs: 5_000 } } });
    const first = await raw('POST', '/users/@me/channels', { recipient_id: alice });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-ratelimit-remaining'), '1');
    const dmId = first.body.id as string;
    assert.equal((await raw('POST', `/channels/${dmId}/messages`, { content: 'one' })).status, 200);
    const second = await raw('POST', `/channels/${dmId}/messages`, { content: 'two' });
    assert.equal(second.headers.get('x-ratelimit-remaining'), '0');
    assert.equal((await raw('POST', `/channels/${dmId}/messages`, { content: 'three' })).status, 429);
    assert.equal((await raw('POST', `/channels/${channelId}/messages`, { content: 'guild' })).status, 200, 'another channel, another bucket');
    const guildSend = await raw('POST', `/channels/${channelId}/messages`, { content: 'guild 2' });
    assert.equal(guildSend.headers.get('x-ratelimit-bucket'), second.headers.get('x-ratelimit-bucket'), 'the same route bucket');
    assert.equal((await raw('POST', '/users/@me/channels', { recipient_id: alice })).status, 200);
    assert.equal((await raw('POST', '/users/@me/channels', { recipient_id: alice })).status, 429);
    assert.deepEqual(fake.dmMessages(bot.id, alice).map((m) => m.content), ['one', 'two']);
  });
});
