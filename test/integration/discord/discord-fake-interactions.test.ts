/**
 * Slash commands and buttons on the Discord fake, with the real discord.js
 * client: registering commands (global and guild, bulk overwrite and its
 * validation), a test user using them, INTERACTION_CREATE arriving as
 * ChatInputCommandInteraction and ButtonInteraction, replies with buttons,
 * ephemeral deferrals, edits, follow-ups and updates, what the user saw, and
 * Discord's rules: one initial response within 3 s (40060, 10062), tokens
 * good for 15 minutes (50027), interaction answers outside the global limit.
 */
import assert from 'node:assert/strict';
import {
  ActionRowBuilder, ButtonBuilder, ButtonStyle, DiscordAPIError, Events, MessageFlags, Routes, SlashCommandBuilder,
} from 'discord.js';
import type { ButtonInteraction, ChatInputCommandInteraction, Client, Interaction, TextChannel } from 'discord.js';
import { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import type { DiscordFakeOptions } from '../../fakes/discord/discord-fake.ts';
import { readyClient, waitFor } from './discord-test-kit.ts';

/** The control bot's commands, as a later adapter would register them. */
const COMMANDS = [
  new SlashCommandBuilder().setName('plan').setDescription('Show your plan'),
  new SlashCommandBuilder().setName('usage').setDescription('Show your usage')
    .addIntegerOption((o) => o.setName('days').setDescription('Days back').setRequired(true).setMinValue(1).setMaxValue(90))
    .addBooleanOption((o) => o.setName('detailed').setDescription('Per pair'))
    .addUserOption((o) => o.setName('who').setDescription('Another member'))
    .addStringOption((o) => o.setName('unit').setDescription('Unit').addChoices({ name: 'Messages', value: 'messages' }, { name: 'Bytes', value: 'bytes' })),
  new SlashCommandBuilder().setName('pairs').setDescription('Manage forwarding pairs')
    .addSubcommand((s) => s.setName('list').setDescription('List pairs'))
    .addSubcommand((s) => s.setName('pause').setDescription('Pause a pair')
      .addStringOption((o) => o.setName('name').setDescription('Pair name').setRequired(true).setMaxLength(64))),
].map((c) => c.toJSON());

function pageButtons(page: number): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(`page:${page - 1}`).setLabel('Previous').setStyle(ButtonStyle.Secondary).setDisabled(page === 1),
    new ButtonBuilder().setCustomId(`page:${page + 1}`).setLabel('Next').setStyle(ButtonStyle.Primary),
  );
}

/** The DiscordAPIError with `code` and HTTP `status`. */
function apiError(code: number, status: number): (e: unknown) => boolean {
  return (e: unknown) => e instanceof DiscordAPIError && e.code === code && e.status === status;
}

/** The `_errors` codes of a 50035 at `path` of its `errors`. */
function formErrorCodes(e: unknown, path: ReadonlyArray<string | number>): string[] {
  assert.ok(e instanceof DiscordAPIError && e.code === 50035, `a 50035, not ${String(e)}`);
  let node = (e.rawError as { errors?: unknown }).errors as Record<string, unknown> | undefined;
  for (const key of path) node = node?.[String(key)] as Record<string, unknown> | undefined;
  return ((node?._errors ?? []) as Array<{ code: string }>).map((x) => x.code);
}

describe('Discord fake interactions (with the real discord.js client)', function () {
  this.timeout(30_000);
  let fake: DiscordFake;
  let bot: { id: string; token: string; username: string; applicationId: string };
  let guildId: string;
  let channelId: string;
  const clients: Client[] = [];

  async function start(options: DiscordFakeOptions = {}): Promise<void> {
    fake = await DiscordFake.start({ heartbeatIntervalMs: 400, ...options });
    bot = fake.createBot({ username: 'control' });
    guildId = fake.createGuild({ name: 'Guild', bots: [bot.id] }).id;
    channelId = fake.createChannel(guildId, 'general').id;
  }

  /** A ready client with the control commands registered globally. */
  async function connect(token = bot.token): Promise<Client> {
    const client = await readyClient(fake, token);
    clients.push(client);
    return client;
  }

  async function withCommands(): Promise<Client> {
    const client = await connect();
    await client.application!.commands.set(COMMANDS);
    return client;
  }

  function nextInteraction(client: Client): Promise<Interaction> {
    return new Promise((resolve) => client.once(Events.InteractionCreate, resolve));
  }

  async function invoke(client: Client, input: Parameters<DiscordFake['invokeCommand']>[0]): Promise<ChatInputCommandInteraction> {
    const received = nextInteraction(client);
    fake.invokeCommand(input);
    const interaction = await received;
    assert.ok(interaction.isChatInputCommand());
    return interaction;
  }

  async function click(client: Client, input: Parameters<DiscordFake['clickButton']>[0]): Promise<ButtonInteraction> {
    const received = nextInteraction(client);
    fake.clickButton(input);
    const interaction = await received;
    assert.ok(interaction.isButton());
    return interaction;
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.destroy();
    await fake.close();
  });

  it('registers commands globally and per guild with discord.js, keeping ids across overwrites, for the bot\'s own application only', async () => {
    await start();
    const client = await connect();
    assert.equal(client.application?.id, bot.applicationId, 'READY carries the application; its id is the bot user\'s');
    assert.equal(bot.applicationId, bot.id);
    const set = await client.application!.commands.set(COMMANDS);
    assert.deepEqual([...set.values()].map((c) => c.name), ['plan', 'usage', 'pairs']);
    const fetched = await client.application!.commands.fetch();
    assert.equal(fetched.size, 3);
    const pairs = fetched.find((c) => c.name === 'pairs')!;
    assert.deepEqual(pairs.options.map((o) => o.name), ['list', 'pause']);
    assert.deepEqual(fake.commands(bot.applicationId).map((c) => c.name), ['plan', 'usage', 'pairs']);

    // discord.js patches its cached commands in place: note ids and versions before overwriting.
    const before = new Map(set.map((c) => [c.name, { id: c.id, version: c.version }]));
    const changed = COMMANDS.map((c) => (c.name === 'plan' ? { ...c, description: 'Show the plan you are on' } : c));
    const again = await client.application!.commands.set(changed);
    const plan = again.find((c) => c.name === 'plan')!;
    assert.equal(plan.id, before.get('plan')!.id, 'an overwrite keeps the command');
    assert.notEqual(plan.version, before.get('plan')!.version, 'and bumps its version when it changed');
    assert.equal(again.find((c) => c.name === 'usage')!.version, before.get('usage')!.version);

    const guild = client.guilds.cache.get(guildId)!;
    await guild.commands.set([new SlashCommandBuilder().setName('admin').setDescription('Guild only').toJSON()]);
    assert.deepEqual((await guild.commands.fetch()).map((c) => c.name), ['admin']);
    assert.deepEqual(fake.commands(bot.applicationId, guildId).map((c) => c.guild_id), [guildId]);

    const application = await client.application!.fetch();
    assert.equal(application.id, bot.applicationId, 'GET /applications/@me');
    assert.ok(application.owner, 'with the owner discord.js expects');

    const other = await connect(fake.createBot({ username: 'other' }).token);
    await assert.rejects(other.rest.put(Routes.applicationCommands(bot.applicationId), { body: [] }), apiError(50001, 403));
    await assert.rejects(other.rest.put(Routes.applicationGuildCommands(other.application!.id, guildId), { body: [] }), apiError(50001, 403),
      'a guild the application is not in');
    assert.equal((await fetch(`${fake.apiUrl}/v10/applications/${bot.applicationId}/commands`)).status, 401, 'no bot token');
  });

  it('refuses invalid registrations with 50035 naming the field, and more than 100 slash commands with 30032', async () => {
    await start();
    const client = await connect();
    const put = (body: unknown[]): Promise<unknown> => client.rest.put(Routes.applicationCommands(bot.applicationId), { body });
    const fail = async (body: unknown[]): Promise<unknown> => {
      try {
        await put(body);
      } catch (e) {
        return e;
      }
      throw new Error('accepted');
    };
    const ok = { name: 'plan', description: 'Show your plan' };
    const option = (i: number): Record<string, unknown> => ({ type: 3, name: `o${i}`, description: 'x' });

    assert.deepEqual(formErrorCodes(await fail([ok, { name: 'Plan', description: 'x' }]), [1, 'name']), ['APPLICATION_COMMAND_INVALID_NAME']);
    assert.deepEqual(formErrorCodes(await fail([{ name: 'two words', description: 'x' }]), [0, 'name']), ['STRING_TYPE_REGEX']);
    assert.deepEqual(formErrorCodes(await fail([{ name: 'plan', description: 'x'.repeat(101) }]), [0, 'description']), ['BASE_TYPE_BAD_LENGTH']);
    assert.deepEqual(formErrorCodes(await fail([{ name: 'plan' }]), [0, 'description']), ['BASE_TYPE_REQUIRED']);
    const tooMany = { ...ok, options: Array.from({ length: 26 }, (_, i) => option(i)) };
    assert.deepEqual(formErrorCodes(await fail([tooMany]), [0, 'options']), ['BASE_TYPE_MAX_LENGTH']);
    const choices = Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `v${i}` }));
    assert.deepEqual(formErrorCodes(await fail([{ ...ok, options: [{ ...option(0), choices }] }]), [0, 'options', 0, 'choices']), ['BASE_TYPE_MAX_LENGTH']);
    assert.deepEqual(formErrorCodes(await fail([{ ...ok, options: [{ ...option(0), type: 12 }] }]), [0, 'options', 0, 'type']), ['BASE_TYPE_CHOICES']);
    const order = { ...ok, options: [option(0), { ...option(1), required: true }] };
    assert.deepEqual(formErrorCodes(await fail([order]), [0, 'options', 1]), ['APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID']);
    assert.deepEqual(formErrorCodes(await fail([ok, ok]), [1]), ['APPLICATION_COMMANDS_DUPLICATE_NAME']);
    const nested = { ...ok, options: [{ type: 1, name: 'sub', description: 'x', options: [{ type: 1, name: 'deeper', description: 'x' }] }] };
    assert.deepEqual(formErrorCodes(await fail([nested]), [0, 'options', 0, 'options', 0, 'type']), ['BASE_TYPE_CHOICES']);

    const hundredOne = Array.from({ length: 101 }, (_, i) => ({ name: `c${i}`, description: 'x' }));
    await assert.rejects(put(hundredOne), apiError(30032, 400));
    await put(hundredOne.slice(0, 100));
    assert.equal(fake.commands(bot.applicationId).length, 100, 'a hundred fit');
  });

  it('delivers a slash command as a ChatInputCommandInteraction with typed options; the reply with buttons is what the user sees', async () => {
    await start();
    const client = await withCommands();
    const carol = fake.createUser({ username: 'carol' });
    fake.addMember(guildId, carol.id);

    const usage = await invoke(client, { channelId, name: 'usage', options: { days: 7, detailed: true, who: carol.id, unit: 'bytes' } });
    assert.equal(usage.commandName, 'usage');
    assert.equal(usage.options.getInteger('days'), 7);
    assert.equal(usage.options.getBoolean('detailed'), true);
    assert.equal(usage.options.getUser('who')?.username, 'carol');
    assert.equal(usage.options.getString('unit'), 'bytes');
    assert.equal(usage.guildId, guildId);
    assert.equal(usage.channelId, channelId);
    assert.equal(usage.user.username, 'alice');
    assert.equal(usage.applicationId, bot.applicationId);
    assert.ok(usage.appPermissions.has('SendMessages'));
    await usage.reply({ content: '7 days: 120 messages' });

    const pause = await invoke(client, { channelId, name: 'pairs pause', options: { name: 'alpha' } });
    assert.equal(pause.options.getSubcommand(), 'pause');
    assert.equal(pause.options.getString('name', true), 'alpha');
    const response = await pause.reply({ content: 'Paused alpha', components: [pageButtons(1)], withResponse: true });
    const message = response.resource!.message!;
    assert.equal(message.interactionMetadata?.id, pause.id);
    assert.equal(message.interaction?.commandName, 'pairs pause');
    assert.equal(message.author.id, bot.id);

    const [reply] = fake.interactionReplies(pause.id);
    assert.deepEqual([reply!.kind, reply!.content, reply!.ephemeral, reply!.loading], ['reply', 'Paused alpha', false, false]);
    const row = reply!.components[0] as { components: Array<{ custom_id: string; label: string; disabled?: boolean }> };
    assert.deepEqual(row.components.map((b) => [b.custom_id, b.label]), [['page:0', 'Previous'], ['page:2', 'Next']]);
    const stored = fake.message(reply!.messageId)!;
    assert.equal(stored.channelId, channelId);
    assert.equal(stored.type, 20, 'CHAT_INPUT_COMMAND');
    assert.equal(fake.messages(channelId).length, 2, 'both replies are in the channel for everyone');
    const fetched = await pause.fetchReply();
    assert.equal(fetched.content, 'Paused alpha');
  });

  it('defers an ephemeral reply, edits it, follows up; ephemeral messages stay out of the channel', async () => {
    await start();
    const client = await withCommands();
    const seen: string[] = [];
    client.on(Events.MessageCreate, (m) => seen.push(m.content));

    const plan = await invoke(client, { channelId, name: 'plan' });
    await plan.deferReply({ flags: MessageFlags.Ephemeral });
    assert.deepEqual(fake.interactionReplies(plan.id).map((r) => [r.kind, r.ephemeral, r.loading]), [['reply', true, true]], 'the bot is thinking');
    await plan.editReply({ content: 'You are on Pro', components: [pageButtons(1)] });
    await plan.followUp({ content: 'Pro renews on the 1st', flags: MessageFlags.Ephemeral });
    await plan.followUp({ content: 'Everyone: the plan changed' });
    const replies = fake.interactionReplies(plan.id);
    assert.deepEqual(replies.map((r) => [r.kind, r.content, r.ephemeral, r.loading]), [
      ['reply', 'You are on Pro', true, false],
      ['followup', 'Pro renews on the 1st', true, false],
      ['followup', 'Everyone: the plan changed', false, false],
    ]);
    assert.equal(fake.message(replies[0]!.messageId)!.flags & MessageFlags.Ephemeral, MessageFlags.Ephemeral);
    assert.deepEqual(fake.messages(channelId).map((m) => m.content), ['Everyone: the plan changed'], 'only the public follow-up is in the channel');
    await waitFor('public follow-up', () => seen.includes('Everyone: the plan changed'));
    assert.deepEqual(seen, ['Everyone: the plan changed'], 'no MESSAGE_CREATE for ephemeral messages');
    assert.equal((await plan.fetchReply()).content, 'You are on Pro', 'GET @original reaches an ephemeral reply');
    await assert.rejects(client.rest.get(Routes.channelMessage(channelId, replies[0]!.messageId)), apiError(10008, 404));

    // An ephemeral message's buttons are its user's alone.
    const carol = fake.createUser({ username: 'carol' }).id;
    assert.throws(() => fake.clickButton({ channelId, messageId: replies[0]!.messageId, customId: 'page:2', userId: carol }), /cannot see/);
    const page = await click(client, { channelId, messageId: replies[0]!.messageId, customId: 'page:2' });
    assert.equal(page.message.flags.has(MessageFlags.Ephemeral), true);
    await page.update({ content: 'You are on Pro (details)' });
    assert.equal(fake.interactionReplies(plan.id)[0]!.content, 'You are on Pro (details)');
    assert.equal(fake.messages(channelId).length, 1, 'still out of the channel');

    await plan.deleteReply();
    assert.deepEqual(fake.interactionReplies(plan.id).map((r) => r.kind), ['followup', 'followup']);

    // A follow-up right after a deferral completes the deferred message, as Discord still does.
    const usage = await invoke(client, { channelId, name: 'usage', options: { days: 1 } });
    await usage.deferReply();
    await usage.followUp({ content: 'done thinking', flags: MessageFlags.Ephemeral });
    assert.deepEqual(fake.interactionReplies(usage.id).map((r) => [r.kind, r.content, r.ephemeral, r.loading]), [['reply', 'done thinking', false, false]]);
  });

  it('pages with buttons: a click arrives as a ButtonInteraction, answered with update() or deferUpdate() + editReply()', async () => {
    await start();
    const client = await withCommands();
    const list = await invoke(client, { channelId, name: 'pairs list' });
    const response = await list.reply({ content: 'Pairs, page 1', components: [pageButtons(1)], withResponse: true });
    const messageId = response.resource!.message!.id;

    const next = await click(client, { channelId, messageId, customId: 'page:2' });
    assert.equal(next.customId, 'page:2');
    assert.equal(next.message.id, messageId);
    assert.equal(next.message.content, 'Pairs, page 1');
    await next.update({ content: 'Pairs, page 2', components: [pageButtons(2)] });
    assert.deepEqual(fake.interactionReplies(next.id).map((r) => [r.kind, r.messageId, r.content]), [['update', messageId, 'Pairs, page 2']]);
    const updated = fake.message(messageId)!;
    const row = updated.components[0] as { components: Array<{ custom_id: string; disabled?: boolean }> };
    assert.deepEqual(row.components.map((b) => [b.custom_id, b.disabled ?? false]), [['page:1', false], ['page:3', false]]);

    const back = await click(client, { channelId, messageId, customId: 'page:1' });
    await back.deferUpdate();
    await back.editReply({ content: 'Pairs, page 1', components: [pageButtons(1)] });
    assert.equal(fake.message(messageId)!.content, 'Pairs, page 1');
    assert.throws(() => fake.clickButton({ channelId, messageId, customId: 'page:0' }), /disabled/);
    assert.throws(() => fake.clickButton({ channelId, messageId, customId: 'nope' }), /no button nope/);

    // Buttons on a message the bot sent itself work the same; a new ephemeral reply answers this one.
    const channel = client.channels.cache.get(channelId) as TextChannel;
    const sent = await channel.send({ content: 'Pause everything?', components: [pageButtons(5)] });
    const confirm = await click(client, { channelId, messageId: sent.id, customId: 'page:6' });
    await confirm.reply({ content: 'Only you see this', flags: MessageFlags.Ephemeral });
    const [answer] = fake.interactionReplies(confirm.id);
    assert.deepEqual([answer!.kind, answer!.ephemeral], ['reply', true]);
  });

  it('refuses a second response (40060), a response after the 3 s window (10062), and the token after 15 minutes (50027)', async () => {
    await start();
    const client = await withCommands();
    const plan = await invoke(client, { channelId, name: 'plan' });
    await plan.reply('Pro');
    await assert.rejects(
      client.rest.post(Routes.interactionCallback(plan.id, plan.token), { body: { type: 4, data: { content: 'again' } }, auth: false }),
      apiError(40060, 400),
    );

    const late = await invoke(client, { channelId, name: 'plan' });
    await assert.rejects(
      client.rest.post(Routes.webhook(bot.applicationId, late.token), { body: { content: 'before any response' }, auth: false }),
      apiError(10015, 404),
      'an unacknowledged token is no webhook yet',
    );
    fake.advanceInteractionClock(3_001);
    await assert.rejects(late.reply('too late'), apiError(10062, 404));
    assert.equal(fake.interaction(late.id).responseType, null);

    await plan.followUp('within 15 minutes');
    fake.advanceInteractionClock(15 * 60_000);
    await assert.rejects(plan.followUp('after 15 minutes'), apiError(50027, 401));
    await assert.rejects(plan.editReply('after 15 minutes'), apiError(50027, 401));
    assert.deepEqual(fake.interactionReplies(plan.id).map((r) => r.content), ['Pro', 'within 15 minutes']);
  });

  it('shortens the response window by option', async () => {
    await start({ interactionResponseWindowMs: 50 });
    const client = await withCommands();
    const slow = await invoke(client, { channelId, name: 'plan' });
    await new Promise((resolve) => setTimeout(resolve, 80));
    await assert.rejects(slow.deferReply(), apiError(10062, 404));
  });

  it('refuses PONG, update types for a command, and bad bodies with 50035, leaving the interaction unanswered', async () => {
    await start();
    const client = await withCommands();
    const plan = await invoke(client, { channelId, name: 'plan' });
    const callback = (body: unknown): Promise<unknown> =>
      client.rest.post(Routes.interactionCallback(plan.id, plan.token), { body, auth: false }).then(() => null, (x: unknown) => x);
    for (const type of [1, 6, 7]) assert.deepEqual(formErrorCodes(await callback({ type }), ['type']), ['BASE_TYPE_CHOICES'], `type ${type}`);
    assert.deepEqual(formErrorCodes(await callback({ type: 4, data: { content: 'x'.repeat(2001) } }), ['data', 'content']), ['BASE_TYPE_MAX_LENGTH']);
    const sixRows = Array.from({ length: 6 }, () => pageButtons(1).toJSON());
    assert.deepEqual(formErrorCodes(await callback({ type: 4, data: { content: 'rows', components: sixRows } }), ['data', 'components']), ['BASE_TYPE_MAX_LENGTH']);
    const sixButtons = { type: 1, components: Array.from({ length: 6 }, (_, i) => ({ type: 2, style: 1, label: `b${i}`, custom_id: `b${i}` })) };
    assert.deepEqual(formErrorCodes(await callback({ type: 4, data: { content: 'row', components: [sixButtons] } }), ['data', 'components', 0, 'components']),
      ['COMPONENT_LAYOUT_WIDTH_EXCEEDED']);
    const longId = { type: 1, components: [{ type: 2, style: 1, label: 'x', custom_id: 'x'.repeat(101) }] };
    assert.deepEqual(formErrorCodes(await callback({ type: 4, data: { content: 'id', components: [longId] } }), ['data', 'components', 0, 'components', 0, 'custom_id']),
      ['BASE_TYPE_BAD_LENGTH']);
    assert.deepEqual(formErrorCodes(await callback({ type: 5, data: { flags: 4 } }), ['data', 'flags']), ['MESSAGE_FLAGS_INVALID']);
    assert.equal(fake.interaction(plan.id).responseType, null);
    await plan.reply('Pro');
    assert.equal(fake.interaction(plan.id).responseType, 4);
  });

  it('lets the helper use only what Discord\'s client would offer', async () => {
    await start();
    await withCommands();
    assert.throws(() => fake.invokeCommand({ channelId, name: 'nope' }), /no command \/nope/);
    assert.throws(() => fake.invokeCommand({ channelId, name: 'usage' }), /needs option days/);
    assert.throws(() => fake.invokeCommand({ channelId, name: 'usage', options: { days: '7' } }), /takes a number/);
    assert.throws(() => fake.invokeCommand({ channelId, name: 'usage', options: { days: 91 } }), /out of range/);
    assert.throws(() => fake.invokeCommand({ channelId, name: 'usage', options: { days: 1, unit: 'kg' } }), /not one of its choices/);
    assert.throws(() => fake.invokeCommand({ channelId, name: 'pairs' }), /takes a subcommand/);
    assert.throws(() => fake.invokeCommand({ channelId, name: 'pairs pause', options: { name: 'a', extra: 1 } }), /no option extra/);
    const lonely = fake.createChannel(fake.createGuild({ name: 'Elsewhere' }).id, 'general').id;
    assert.throws(() => fake.invokeCommand({ channelId: lonely, name: 'plan' }), /no command \/plan/, 'not in a guild without the bot');
  });

  it('keeps interaction answers out of the bot\'s global limit, in buckets of their own', async () => {
    await start({ rateLimits: { global: { limit: 2, windowMs: 60_000 }, webhookExecute: { limit: 2, windowMs: 60_000 } } });
    await withCommands(); // GET /gateway/bot and PUT commands: the global budget is spent
    const post = (path: string, body: unknown): Promise<Response> => fetch(`${fake.apiUrl}/v10${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    const used = [1, 2, 3].map(() => fake.invokeCommand({ channelId, name: 'plan' }));
    for (const u of used) {
      const answer = await post(`/interactions/${u.interactionId}/${u.token}/callback`, { type: 4, data: { content: 'Pro' } });
      assert.equal(answer.status, 204);
      assert.ok(answer.headers.get('x-ratelimit-bucket'), 'a bucketed route');
    }
    const { token } = used[0]!;
    assert.equal((await post(`/webhooks/${bot.applicationId}/${token}?wait=true`, { content: 'one' })).status, 200);
    assert.equal((await post(`/webhooks/${bot.applicationId}/${token}`, { content: 'two' })).status, 200, 'wait is implied');
    const third = await post(`/webhooks/${bot.applicationId}/${token}`, { content: 'three' });
    assert.equal(third.status, 429, 'follow-ups share the webhook execution limit');
    assert.equal(third.headers.get('x-ratelimit-scope'), 'user');
    const global = await fetch(`${fake.apiUrl}/v10/users/@me`, { headers: { authorization: `Bot ${bot.token}` } });
    assert.equal(global.status, 429);
    assert.equal(global.headers.get('x-ratelimit-global'), 'true');
    assert.equal(fake.stats().requests['POST /interactions/:id/:token/callback'], 3);
    assert.equal(fake.stats().rateLimited.global, 1);
  });
});
