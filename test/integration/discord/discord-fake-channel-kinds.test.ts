/**
 * Channel kinds on the Discord fake, with the real discord.js client and
 * raw HTTP: each kind reaches discord.js as its own class; a forum or media
 * channel takes posts only (40058 for a message, a post is a thread whose
 * first message takes its id, tags required under REQUIRE_TAG: 40067, a
 * media post needs a file); announcement channels take messages like text
 * channels; categories none (50008); archived threads unarchive on a post,
 * locked ones refuse it without Manage Threads (403 160005 open, 400 50083
 * archived); private threads show only to their members and moderators.
 */
import assert from 'node:assert/strict';
import {
  CategoryChannel, ChannelType, DiscordAPIError, Events, ForumChannel, MediaChannel, NewsChannel, Routes, StageChannel, VoiceChannel,
} from 'discord.js';
import type { Client, GatewayDispatchPayload , ThreadChannel} from 'discord.js';
import { DiscordFake } from '../../fakes/discord/discord-fake.ts';
import { readyClient, waitFor } from './discord-test-kit.ts';

function apiError(code: number, status: number): (e: unknown) => boolean {
  return (e: unknown) => e instanceof DiscordAPIError && e.code === code && e.status === status;
}

describe('Discord fake channel kinds: forums, media, announcements, archived, locked and private threads (real discord.js)', function () {
  this.timeout(20_000);
  let fake: DiscordFake;
  let bot: { id: string; token: string };
  let guildId: string;
  let client: Client;
  const ch = { text: '', news: '', forum: '', tagged: '', media: '', voice: '', category: '', stage: '' };
  let tag = '';
  const events: Array<{ t: string; d: Record<string, unknown> }> = [];

  /** A request with the bot's token, answered as it comes. */
  async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${fake.apiUrl}/v10${path}`, {
      method, headers: { authorization: `Bot ${bot.token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() as Record<string, unknown> };
  }

  before(async () => {
    fake = await DiscordFake.start({ heartbeatIntervalMs: 400, rateLimits: false });
    bot = fake.createBot({ username: 'kinds' });
    guildId = fake.createGuild({ name: 'Guild', bots: [bot.id] }).id;
    ch.text = fake.createChannel(guildId, 'text').id;
    ch.news = fake.createChannel(guildId, 'news', { type: ChannelType.GuildAnnouncement }).id;
    ch.forum = fake.createChannel(guildId, 'forum', { type: ChannelType.GuildForum }).id;
    const tagged = fake.createChannel(guildId, 'tagged', { type: ChannelType.GuildForum, requireTag: true, tags: ['bug', 'idea'] });
    ch.tagged = tagged.id;
    tag = tagged.tags[0]!.id;
    ch.media = fake.createChannel(guildId, 'media', { type: ChannelType.GuildMedia }).id;
    ch.voice = fake.createChannel(guildId, 'voice', { type: ChannelType.GuildVoice }).id;
    ch.category = fake.createChannel(guildId, 'category', { type: ChannelType.GuildCategory }).id;
    ch.stage = fake.createChannel(guildId, 'stage', { type: ChannelType.GuildStageVoice }).id;
    client = await readyClient(fake, bot.token);
    client.on(Events.Raw, (p: GatewayDispatchPayload) => events.push({ t: p.t, d: p.d as unknown as Record<string, unknown> }));
  });

  after(async () => {
    await client?.destroy();
    await fake?.close();
  });

  it('gives each kind its type and shape, so discord.js builds ForumChannel, MediaChannel, NewsChannel, VoiceChannel, CategoryChannel, StageChannel', async () => {
    const cache = client.channels.cache;
    assert.ok(cache.get(ch.forum) instanceof ForumChannel);
    assert.ok(cache.get(ch.media) instanceof MediaChannel);
    assert.ok(cache.get(ch.news) instanceof NewsChannel);
    assert.ok(cache.get(ch.voice) instanceof VoiceChannel);
    assert.ok(cache.get(ch.category) instanceof CategoryChannel);
    assert.ok(cache.get(ch.stage) instanceof StageChannel);
    const tagged = cache.get(ch.tagged) as ForumChannel;
    assert.deepEqual(tagged.availableTags.map((t) => t.name), ['bug', 'idea']);
    assert.ok(tagged.flags.has('RequireTag'));
    const fetched = await raw('GET', `/channels/${ch.forum}`);
    assert.equal(fetched.body.type, 15);
    assert.deepEqual(fetched.body.available_tags, []);
  });

  it('takes messages in announcement channels like text channels, none in forums (40058) or categories (50008)', async () => {
    const sent = await (client.channels.cache.get(ch.news) as NewsChannel).send('news flash');
    assert.equal(fake.message(sent.id)?.channelId, ch.news);
    await assert.rejects(client.rest.post(Routes.channelMessages(ch.forum), { body: { content: 'x' } }), apiError(40058, 400));
    await assert.rejects(client.rest.post(Routes.channelMessages(ch.media), { body: { content: 'x' } }), apiError(40058, 400));
    await assert.rejects(client.rest.post(Routes.channelMessages(ch.category), { body: { content: 'x' } }), apiError(50008, 400));
    // Threads in an announcement channel are announcement threads.
    const thread = await (client.channels.cache.get(ch.news) as NewsChannel).threads.create({ name: 'follow-up' });
    assert.equal(thread.type, ChannelType.AnnouncementThread);
  });

  it('starts a forum post: a thread whose first message takes its id, THREAD_CREATE then MESSAGE_CREATE, the message nested in the answer', async () => {
    const forum = client.channels.cache.get(ch.forum) as ForumChannel;
    const mark = events.length;
    const post = await forum.threads.create({ name: 'first post', message: { content: 'opening words' } });
    assert.equal(post.type, ChannelType.PublicThread);
    assert.equal(post.parentId, ch.forum);
    const starter = fake.message(post.id);
    assert.equal(starter?.content, 'opening words', 'the first message has the thread\'s id');
    assert.equal(starter?.channelId, post.id);
    await waitFor('THREAD_CREATE and MESSAGE_CREATE', () => events.slice(mark).filter((e) => e.t === 'THREAD_CREATE' || e.t === 'MESSAGE_CREATE').length >= 2);
    assert.deepEqual(events.slice(mark).filter((e) => e.t === 'THREAD_CREATE' || e.t === 'MESSAGE_CREATE').map((e) => e.t), ['THREAD_CREATE', 'MESSAGE_CREATE']);
    const answer = await raw('POST', `/channels/${ch.forum}/threads`, { name: 'raw post', message: { content: 'raw words' } });
    assert.equal(answer.status, 201);
    assert.equal((answer.body.message as { id: string }).id, answer.body.id);
    assert.deepEqual(answer.body.applied_tags, []);
    // The post is a channel: messages go into it as into any thread.
    const inPost = await post.send('second words');
    assert.equal(fake.message(inPost.id)?.channelId, post.id);
    assert.deepEqual(fake.threads(ch.forum).map((t) => t.name), ['first post', 'raw post']);
  });

  it('refuses a post without its message (50035), without a tag where one is required (40067), without a file in a media channel', async () => {
    const noMessage = await raw('POST', `/channels/${ch.forum}/threads`, { name: 'empty' });
    assert.equal(noMessage.status, 400);
    assert.deepEqual(noMessage.body.errors, { message: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] } });
    const untagged = await raw('POST', `/channels/${ch.tagged}/threads`, { name: 'untagged', message: { content: 'x' } });
    assert.deepEqual([untagged.status, untagged.body.code], [400, 40067]);
    const tagged = await raw('POST', `/channels/${ch.tagged}/threads`, { name: 'tagged', message: { content: 'x' }, applied_tags: [tag] });
    assert.equal(tagged.status, 201);
    assert.deepEqual(tagged.body.applied_tags, [tag]);
    const unknownTag = await raw('POST', `/channels/${ch.tagged}/threads`, { name: 'bad', message: { content: 'x' }, applied_tags: ['123456789012345678'] });
    assert.deepEqual([unknownTag.status, unknownTag.body.code], [400, 50035]);
    const textOnly = await raw('POST', `/channels/${ch.media}/threads`, { name: 'words', message: { content: 'no picture' } });
    assert.deepEqual([textOnly.status, textOnly.body.code], [400, 50035]);
    const media = client.channels.cache.get(ch.media) as MediaChannel;
    const withFile = await media.threads.create({ name: 'picture', message: { content: 'look', files: [{ attachment: Buffer.from('png'), name: 'a.png' }] } });
    assert.equal(fake.message(withFile.id)?.attachments[0]?.filename, 'a.png');
    fake.setPermission(bot.id, ch.forum, 'send', false);
    try {
      const denied = await raw('POST', `/channels/${ch.forum}/threads`, { name: 'no', message: { content: 'x' } });
      assert.deepEqual([denied.status, denied.body.code], [403, 50013]);
    } finally {
      fake.setPermission(bot.id, ch.forum, 'send', true);
    }
    const webhook = await raw('POST', `/channels/${ch.forum}/webhooks`, { name: 'hook' });
    const execute = await fetch(`${fake.apiUrl}/v10/webhooks/${webhook.body.id as string}/${webhook.body.token as string}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: 'x' }),
    });
    assert.deepEqual([execute.status, (await execute.json() as { code: number }).code], [400, 220001]);
  });

  it('brings a user\'s post to the bot: THREAD_CREATE with its forum as parent, MESSAGE_CREATE in the thread', async () => {
    const mark = events.length;
    const { threadId } = fake.startPostAsUser(ch.forum, { name: 'question', content: 'how do I?' });
    await waitFor('the post\'s message', () => events.slice(mark).some((e) => e.t === 'MESSAGE_CREATE' && e.d.channel_id === threadId));
    const thread = client.channels.cache.get(threadId) as ThreadChannel;
    assert.ok(thread.parent instanceof ForumChannel);
    assert.equal(events.slice(mark).find((e) => e.t === 'MESSAGE_CREATE')!.d.id, threadId);
  });

  it('lists the guild\'s active threads the bot may see, forum posts included, not archived ones (GET /guilds/{id}/threads/active)', async () => {
    const { threadId } = fake.startPostAsUser(ch.forum, { name: 'listed', content: 'here' });
    const shelved = fake.createThread(ch.text, 'shelved for the list').id;
    fake.setThreadState(shelved, { archived: true });
    const listed = await raw('GET', `/guilds/${guildId}/threads/active`);
    assert.equal(listed.status, 200);
    const threads = listed.body.threads as Array<{ id: string; parent_id: string; last_message_id: string }>;
    assert.deepEqual(threads.find((t) => t.id === threadId) && { parent: threads.find((t) => t.id === threadId)!.parent_id, last: threads.find((t) => t.id === threadId)!.last_message_id },
      { parent: ch.forum, last: threadId });
    assert.equal(threads.some((t) => t.id === shelved), false);
    assert.deepEqual(listed.body.members, []);
  });

  it('unarchives an archived thread on a post (THREAD_UPDATE), which needs Send Messages in Threads rather than Send Messages', async () => {
    const thread = fake.createThread(ch.text, 'old news').id;
    await waitFor('THREAD_CREATE', () => client.channels.cache.has(thread));
    fake.setThreadState(thread, { archived: true });
    await waitFor('archived in discord.js', () => (client.channels.cache.get(thread) as ThreadChannel).archived === true);
    assert.equal(((await raw('GET', `/channels/${thread}`)).body.thread_metadata as { archived: boolean }).archived, true);
    fake.setPermission(bot.id, ch.text, 'send_in_threads', false);
    await assert.rejects(client.rest.post(Routes.channelMessages(thread), { body: { content: 'x' } }), apiError(50013, 403));
    fake.setPermission(bot.id, ch.text, 'send_in_threads', true);
    fake.setPermission(bot.id, ch.text, 'send', false);
    try {
      await client.rest.post(Routes.channelMessages(thread), { body: { content: 'back again' } });
    } finally {
      fake.setPermission(bot.id, ch.text, 'send', true);
    }
    assert.equal(fake.threads(ch.text).find((t) => t.id === thread)?.archived, false);
    await waitFor('unarchived in discord.js', () => (client.channels.cache.get(thread) as ThreadChannel).archived === false);
    // A member's message reopens it too.
    fake.setThreadState(thread, { archived: true });
    fake.postAsUser(thread, { content: 'a member writes' });
    assert.equal(fake.threads(ch.text).find((t) => t.id === thread)?.archived, false);
  });

  it('refuses a post in a locked thread without Manage Threads: 403 160005 while open, 400 50083 once archived; a moderator posts', async () => {
    const thread = fake.createThread(ch.text, 'closed').id;
    fake.setThreadState(thread, { locked: true });
    fake.setPermission(bot.id, ch.text, 'manage_threads', false);
    await assert.rejects(client.rest.post(Routes.channelMessages(thread), { body: { content: 'x' } }), apiError(160005, 403));
    fake.setThreadState(thread, { archived: true });
    await assert.rejects(client.rest.post(Routes.channelMessages(thread), { body: { content: 'x' } }), apiError(50083, 400));
    assert.equal(fake.threads(ch.text).find((t) => t.id === thread)?.archived, true, 'still archived');
    fake.setPermission(bot.id, ch.text, 'manage_threads', true);
    await client.rest.post(Routes.channelMessages(thread), { body: { content: 'moderator' } });
    assert.equal(fake.threads(ch.text).find((t) => t.id === thread)?.archived, false);
  });

  it('shows a private thread only to its members and moderators; GUILD_CREATE lists active threads only', async () => {
    const user = fake.createUser({ username: 'u' }).id;
    fake.setPermission(bot.id, ch.text, 'manage_threads', false);
    try {
      const hidden = fake.createThread(ch.text, 'secret', { type: ChannelType.PrivateThread, members: [user] }).id;
      assert.equal((await raw('GET', `/channels/${hidden}`)).body.code, 50001);
      await assert.rejects(client.rest.post(Routes.channelMessages(hidden), { body: { content: 'x' } }), apiError(50001, 403));
      fake.addThreadMember(hidden, bot.id);
      assert.equal((await raw('GET', `/channels/${hidden}`)).status, 200);
    } finally {
      fake.setPermission(bot.id, ch.text, 'manage_threads', true);
    }
    const archived = fake.createThread(ch.text, 'shelved').id;
    fake.setThreadState(archived, { archived: true });
    const second = await readyClient(fake, bot.token);
    try {
      const guild = second.guilds.cache.get(guildId)!;
      assert.equal(guild.channels.cache.has(archived), false, 'no archived thread in GUILD_CREATE');
      assert.equal(guild.channels.cache.has(ch.forum), true);
    } finally {
      await second.destroy();
    }
  });
});
