/**
 * Pairs whose Discord ends are checked with Discord when saved (the API asks
 * the Discord fake with the end's bot token): a destination nobody can post
 * to (category, voice, stage, directory) or a source holding no messages is
 * refused with `discord_channel_kind_unsupported`, a channel the bot cannot
 * find or see with `discord_channel_unknown` / `discord_channel_forbidden`,
 * each a 400 that stores nothing; forum, media and announcement channels
 * and threads are taken; a Discord that answers 5xx or not at all saves the
 * pair anyway.
 */
import assert from 'node:assert/strict';
import { ForwardingPair } from '../../../src/db/entities/index.ts';
import { ChannelType } from '../../fakes/discord/discord-fake.ts';
import type { RegisteredUser } from '../../helpers/api-harness.ts';
import { startApiHarness } from '../../helpers/api-harness.ts';
import { countsOf, linkBot, startResourceWorld, type LinkedBot, type ResourceWorld } from './resource-fixtures.ts';

describe('api: pairs checked against Discord channel kinds', function () {
  this.timeout(30_000);
  let world: ResourceWorld;
  let alice: RegisteredUser;
  let bot: LinkedBot;

  before(async () => {
    world = await startResourceWorld();
    alice = await world.h.registerUser({ plan: 'pro' });
    bot = await linkBot(world, alice);
  });
  after(async () => {
    await world?.close();
  });

  const kind = (type: number) => world.fake.createChannel(bot.guildId, `k${type}`, { type }).id;
  const end = (chatId: string) => ({ platform: 'discord', accountId: bot.accountId, chatId });
  const create = (source: string, destination: string) =>
    world.h.request('post', '/v1/pairs', { token: alice.accessToken, body: { source: end(source), destination: end(destination) } });

  it('refuses a destination nobody can post to, naming its kind, and stores nothing', async () => {
    const cases: Array<[number, RegExp]> = [
      [ChannelType.GuildCategory, /destination\.chatId: The destination is a category, which holds no messages/],
      [ChannelType.GuildDirectory, /destination is a directory channel, which holds no messages/],
      [ChannelType.GuildVoice, /destination is a voice channel: messages are not forwarded into a call's chat/],
      [ChannelType.GuildStageVoice, /destination is a stage channel/],
    ];
    const before = await countsOf(world, alice.userId);
    for (const [type, message] of cases) {
      const res = await create(bot.channels[0]!, kind(type));
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'discord_channel_kind_unsupported');
      assert.match(res.body.error.message, message);
      assert.deepEqual([res.body.error.field, res.body.error.channelType], ['destination.chatId', type]);
    }
    const source = await create(kind(ChannelType.GuildCategory), bot.channels[1]!);
    assert.equal(source.body.error.code, 'discord_channel_kind_unsupported');
    assert.match(source.body.error.message, /^source\.chatId: The source is a category/);
    assert.deepEqual(await countsOf(world, alice.userId), before);
  });

  it('takes forum, media and announcement channels and threads, and a forum as a source', async () => {
    const thread = world.fake.createThread(bot.channels[2]!, 'thread').id;
    for (const destination of [kind(ChannelType.GuildForum), kind(ChannelType.GuildMedia), kind(ChannelType.GuildAnnouncement), thread]) {
      const res = await create(bot.channels[0]!, destination);
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    assert.equal((await create(kind(ChannelType.GuildForum), bot.channels[1]!)).status, 201);
  });

  it('refuses a channel the bot cannot find (404) or may not see (403), on a create and on a change of ends', async () => {
    const unknown = await create(bot.channels[0]!, '123456789012345678');
    assert.deepEqual([unknown.status, unknown.body.error.code, unknown.body.error.field], [400, 'discord_channel_unknown', 'destination.chatId']);
    const hidden = world.fake.createChannel(bot.guildId, 'hidden').id;
    world.fake.setPermission(bot.botUserId, hidden, 'view', false);
    const forbidden = await create(hidden, bot.channels[1]!);
    assert.deepEqual([forbidden.status, forbidden.body.error.code, forbidden.body.error.field], [400, 'discord_channel_forbidden', 'source.chatId']);
    assert.match(forbidden.body.error.message, /give it View Channel there/);

    const text = world.fake.createChannel(bot.guildId, 'patched').id;
    const pair = await create(bot.channels[1]!, text);
    assert.equal(pair.status, 201, JSON.stringify(pair.body));
    const patched = await world.h.request('patch', `/v1/pairs/${pair.body.id}`, {
      token: alice.accessToken, body: { destination: end(kind(ChannelType.GuildCategory)) },
    });
    assert.deepEqual([patched.status, patched.body.error.code], [400, 'discord_channel_kind_unsupported']);
    const row = await world.h.ctx.orm.em.fork().findOneOrFail(ForwardingPair, { id: pair.body.id });
    assert.equal(row.destinationChatId, text, 'the pair kept its destination');
    const renamed = await world.h.request('patch', `/v1/pairs/${pair.body.id}`, { token: alice.accessToken, body: { name: 'renamed' } });
    assert.equal(renamed.status, 200, 'a patch setting no end asks Discord nothing');
  });

  it('saves the pair when Discord answers 5xx, or cannot be reached at all', async () => {
    const stop = world.fake.serverError({ route: 'GET /channels/:id', forMs: 10_000, status: 502 });
    try {
      const res = await create(bot.channels[2]!, kind(ChannelType.GuildCategory));
      assert.equal(res.status, 201, 'an outage does not block the user; the runtime\'s notice will say');
    } finally {
      stop();
    }
    // A second API process of the same deployment whose Discord address answers nothing.
    const offline = await startApiHarness({
      env: {
        DISCORD_API_URL: 'http://127.0.0.1:9', REDIS_KEY_PREFIX: world.h.ctx.config.REDIS_KEY_PREFIX,
        SECRET_KEYS: world.h.ctx.config.SECRET_KEYS ?? '', JWT_SECRET: world.h.ctx.config.JWT_SECRET ?? '',
      },
    });
    try {
      const res = await offline.request('post', '/v1/pairs', {
        token: alice.accessToken, body: { source: end(bot.channels[0]!), destination: end(kind(ChannelType.GuildVoice)) },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    } finally {
      await offline.close();
    }
  });
});
