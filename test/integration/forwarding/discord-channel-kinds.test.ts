/**
 * Discord channel kinds end to end, through the real supervisor and
 * discord.js against the fake: a forum source's posts are read as the
 * forum's messages, live and, after a restart, from its active posts; a forum destination gets a post per source chat, opened
 * with the first message and titled as the source channel, then kept; a
 * media destination opens its post with a message that has a file; an
 * announcement channel takes copies like a text channel; an archived thread
 * is unarchived by the copy; a locked one shows a notice on the pair after
 * one refused post, with no retries.
 */
import assert from 'node:assert/strict';
import { ChannelType } from '../../fakes/discord/discord-fake.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

describe('Discord channel kinds: forums, media, announcements, archived and locked threads (real supervisor and discord.js)', function () {
  this.timeout(90_000);
  let world: ForwardingWorld;
  let reader: Awaited<ReturnType<ForwardingWorld['bot']>>;
  let writer: Awaited<ReturnType<ForwardingWorld['bot']>>;
  const src = { forum: '', toForum: '', copyToForum: '', toMedia: '', toNews: '', toArchived: '', toLocked: '', toPrivate: '', lostA: '', lostB: '' };
  const dst = {
    fromForum: '', forum: '', copyForum: '', media: '', news: '', archived: '', archivedParent: '', locked: '', lockedParent: '', private: '', lostForum: '',
  };
  const pairs = { toForum: '', toLocked: '', toPrivate: '' };

  const copies = (channelId: string) => world.fake.messages(channelId).filter((m) => m.authorId === writer.botId);
  const posts = (forumId: string) => world.fake.threads(forumId).filter((t) => t.ownerId === writer.botId);

  async function noticeOf(pairId: string): Promise<{ code: string; message: string } | null> {
    const rows = await world.sql.all<{ delivery_notice: { code: string; message: string } | null }>(
      `select delivery_notice from ${world.sql.table('forwarding_pairs')} where id = ?`, [pairId]);
    return rows[0]?.delivery_notice ?? null;
  }

  before(async () => {
    world = await ForwardingWorld.create('fwd_kinds', { unpaced: true });
    const owner = await world.user('pro');
    reader = await world.bot(owner, 'reader');
    writer = await world.bot(owner, 'writer');
    const kind = (name: string, type: number) => world.fake.createChannel(world.guildId, name, { type }).id;
    src.forum = kind('help forum', ChannelType.GuildForum);
    dst.fromForum = world.channel('from-forum');
    src.toForum = world.channel('release notes');
    dst.forum = world.fake.createChannel(world.guildId, 'archive forum', { type: ChannelType.GuildForum, requireTag: true, tags: ['forwarded'] }).id;
    src.toMedia = world.channel('pictures');
    dst.media = kind('gallery', ChannelType.GuildMedia);
    src.toNews = world.channel('to-news');
    dst.news = kind('news', ChannelType.GuildAnnouncement);
    src.toArchived = world.channel('to-archived');
    dst.archivedParent = world.channel('archived-parent');
    dst.archived = world.fake.createThread(dst.archivedParent, 'old thread').id;
    world.fake.setThreadState(dst.archived, { archived: true });
    src.toLocked = world.channel('to-locked');
    dst.lockedParent = world.channel('locked-parent');
    dst.locked = world.fake.createThread(dst.lockedParent, 'locked thread').id;
    world.fake.setThreadState(dst.locked, { archived: true, locked: true });
    world.fake.setPermission(writer.botId, dst.lockedParent, 'manage_threads', false);
    src.copyToForum = world.channel('copied');
    dst.copyForum = kind('copy forum', ChannelType.GuildForum);
    src.toPrivate = world.channel('to-private');
    const privateParent = world.channel('private-parent');
    dst.private = world.fake.createThread(privateParent, 'members only', { type: ChannelType.PrivateThread }).id;
    world.fake.setPermission(writer.botId, privateParent, 'manage_threads', false);
    // Two source channels of one name: their posts share a title in the destination forum.
    src.lostA = world.channel('same name');
    src.lostB = world.channel('same name');
    dst.lostForum = kind('lost answers forum', ChannelType.GuildForum);
    const pair = (from: string, to: string) => world.pair({ userId: owner, source: { accountId: reader.accountId, chatId: from }, destination: { accountId: writer.accountId, chatId: to } });
    await pair(src.forum, dst.fromForum);
    await pair(src.lostA, dst.lostForum);
    await pair(src.lostB, dst.lostForum);
    pairs.toForum = await pair(src.toForum, dst.forum);
    await pair(src.toMedia, dst.media);
    await pair(src.toNews, dst.news);
    await pair(src.toArchived, dst.archived);
    pairs.toLocked = await pair(src.toLocked, dst.locked);
    pairs.toPrivate = await pair(src.toPrivate, dst.private);
    await world.pair({
      userId: owner, copyMode: true, source: { accountId: reader.accountId, chatId: src.copyToForum }, destination: { accountId: writer.accountId, chatId: dst.copyForum },
    });
    await world.start();
    await world.running(2);
  });

  after(async () => {
    await world?.close();
  });

  it('reads a forum source\'s posts: each post\'s messages, its first one included, arrive as the forum\'s', async () => {
    const { threadId } = world.fake.startPostAsUser(src.forum, { name: 'How do I?', content: 'forum q1' });
    world.fake.postAsUser(threadId, { content: 'forum a1' });
    const second = world.fake.startPostAsUser(src.forum, { name: 'Another', content: 'forum q2' });
    await waitFor('three copies', () => copies(dst.fromForum).length === 3, 20_000);
    assert.deepEqual(copies(dst.fromForum).map((m) => /forum \w+/.exec(m.content)?.[0]), ['forum q1', 'forum a1', 'forum q2']);
    world.fake.editAsUser(second.threadId, second.message.id, 'forum q2 edited');
    await waitFor('the edit follows', () => copies(dst.fromForum).some((m) => m.content.includes('forum q2 edited')), 20_000);
  });

  it('catches up a forum source after a restart: what its active posts received meanwhile, new posts included, once and in order', async () => {
    const { threadId } = world.fake.startPostAsUser(src.forum, { name: 'Before', content: 'away 0' });
    const shelved = world.fake.startPostAsUser(src.forum, { name: 'Shelved', content: 'shelved 0' }).threadId;
    await waitFor('before the restart', () => copies(dst.fromForum).some((m) => m.content.includes('away 0')), 20_000);
    world.fake.setThreadState(shelved, { archived: true });
    await world.stop();
    world.fake.postAsUser(threadId, { content: 'away 1' });
    world.fake.startPostAsUser(src.forum, { name: 'While away', content: 'away 2' });
    world.fake.postAsUser(threadId, { content: 'away 3' });
    await world.start();
    await world.running(2);
    const away = () => copies(dst.fromForum).map((m) => /away \d/.exec(m.content)?.[0]).filter((t) => t !== undefined);
    await waitFor('caught up', () => away().length === 4, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(away(), ['away 0', 'away 1', 'away 2', 'away 3']);
    // A post archived before the bot connected is in none of its caches: a message reopening it is still the forum's.
    world.fake.postAsUser(shelved, { content: 'shelved 1' });
    await waitFor('the reopened post\'s message', () => copies(dst.fromForum).some((m) => m.content.includes('shelved 1')), 20_000);
  });

  it('opens one post per source chat in a forum destination, titled as the source, with the tag it requires, then keeps posting there', async () => {
    world.fake.postAsUser(src.toForum, { content: 'note 1' });
    await waitFor('the post', () => posts(dst.forum).length === 1 && copies(posts(dst.forum)[0]!.id).length === 1, 20_000);
    world.fake.postAsUser(src.toForum, { content: 'note 2' });
    world.fake.postAsUser(src.toForum, { content: 'note 3' });
    const post = posts(dst.forum)[0]!;
    await waitFor('all three in the post', () => copies(post.id).length === 3, 20_000);
    assert.equal(post.name, 'release notes', 'titled as the source channel');
    assert.equal(post.appliedTags.length, 1, 'the tag the forum requires');
    assert.equal(copies(post.id)[0]!.id, post.id, 'the first copy opened the post');
    assert.deepEqual(copies(post.id).map((m) => /note \d/.exec(m.content)?.[0]), ['note 1', 'note 2', 'note 3']);
    assert.equal(posts(dst.forum).length, 1, 'one post for the source chat');
    const links = await world.sql.all<{ source_topic_id: string; destination_topic_id: string }>(
      `select source_topic_id, destination_topic_id from ${world.sql.table('topic_links')} where pair_id = ?`, [pairs.toForum]);
    assert.deepEqual(links, [{ source_topic_id: '0', destination_topic_id: post.id }]);
    assert.equal(await noticeOf(pairs.toForum), null);
  });

  it('a post whose answer was lost (a 502 after Discord opened it) is found on the retry, not opened twice; same-titled posts of two sources stay apart', async () => {
    const lost = world.fake.serverError({ route: 'POST /channels/:id/threads', majorId: dst.lostForum, status: 502, applied: true, count: 2 });
    try {
      world.fake.postAsUser(src.lostA, { content: 'lost a1' });
      await waitFor('A\'s post and its first copy', () => posts(dst.lostForum).length === 1 && copies(posts(dst.lostForum)[0]!.id).length === 1, 20_000);
      world.fake.postAsUser(src.lostB, { content: 'lost b1' });
      await waitFor('B\'s post', () => posts(dst.lostForum).length === 2 && posts(dst.lostForum).every((p) => copies(p.id).length === 1), 20_000);
    } finally {
      lost();
    }
    world.fake.postAsUser(src.lostA, { content: 'lost a2' });
    await waitFor('A\'s second message', () => world.fake.messages(dst.lostForum).length + posts(dst.lostForum).reduce((n, p) => n + copies(p.id).length, 0) === 3, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const byStarter = Object.fromEntries(posts(dst.lostForum).map((p) => [/lost \w+/.exec(copies(p.id)[0]!.content)?.[0], copies(p.id).map((m) => /lost \w+/.exec(m.content)?.[0])]));
    assert.deepEqual(byStarter, { 'lost a1': ['lost a1', 'lost a2'], 'lost b1': ['lost b1'] }, 'one post per source, each its own messages');
    assert.deepEqual(posts(dst.lostForum).map((p) => p.name), ['same name', 'same name']);
    assert.equal(world.fake.stats().requests['POST /channels/:id/threads'] !== undefined, true);
  });

  it('in copy mode, opens the post with the bot\'s message and posts the next ones through the forum\'s webhook into the post', async () => {
    world.fake.postAsUser(src.copyToForum, { content: 'copy 1' });
    await waitFor('the post', () => posts(dst.copyForum).length === 1, 20_000);
    world.fake.postAsUser(src.copyToForum, { content: 'copy 2' });
    const post = posts(dst.copyForum)[0]!;
    await waitFor('both in the post', () => world.fake.messages(post.id).length === 2, 20_000);
    const [first, second] = world.fake.messages(post.id);
    assert.equal(first!.authorId, writer.botId, 'the bot opens the post');
    assert.match(first!.content, /copy 1/);
    assert.ok(second!.webhookId !== null, 'the next one comes through the webhook');
    assert.equal(second!.webhookName, 'Alice');
    assert.match(second!.content, /copy 2/);
  });

  it('opens a media channel\'s post with a message that has a file', async () => {
    world.fake.postAsUser(src.toMedia, { content: 'look', attachments: [{ name: 'sky.png', content: Buffer.from('png bytes'), contentType: 'image/png' }] });
    await waitFor('the media post', () => posts(dst.media).length === 1 && copies(posts(dst.media)[0]!.id).length === 1, 20_000);
    assert.equal(copies(posts(dst.media)[0]!.id)[0]!.attachments[0]?.filename, 'sky.png');
  });

  it('posts into an announcement channel like a text channel, and unarchives an archived thread by posting', async () => {
    world.fake.postAsUser(src.toNews, { content: 'announced' });
    world.fake.postAsUser(src.toArchived, { content: 'wake up' });
    await waitFor('both copies', () => copies(dst.news).length === 1 && copies(dst.archived).length === 1, 20_000);
    assert.equal(world.fake.threads(dst.archivedParent).find((t) => t.id === dst.archived)?.archived, false, 'the post unarchived the thread');
  });

  it('shows destination_thread_locked on a pair whose thread is locked, after one refused post', async () => {
    const before = world.fake.stats().requests['POST /channels/:id/messages'] ?? 0;
    world.fake.postAsUser(src.toLocked, { content: 'into the lock' });
    await waitFor('the notice', async () => (await noticeOf(pairs.toLocked))?.code === 'destination_thread_locked', 20_000);
    assert.match((await noticeOf(pairs.toLocked))!.message, /Manage Threads/);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal((world.fake.stats().requests['POST /channels/:id/messages'] ?? 0) - before, 1, 'refused once, never retried');
    assert.equal(copies(dst.locked).length, 0);
  });

  it('shows destination_forbidden on a pair whose private thread the bot is no member of', async () => {
    world.fake.postAsUser(src.toPrivate, { content: 'whisper' });
    await waitFor('the notice', async () => (await noticeOf(pairs.toPrivate))?.code === 'destination_forbidden', 20_000);
    assert.match((await noticeOf(pairs.toPrivate))!.message, /View Channel/);
  });
});
