/**
 * Pairs that map a whole Telegram forum's topics (`mapTopics`), through the
 * real supervisor, gramjs and discord.js against both fakes: each source
 * topic opens a thread of its own in a Discord channel, or a topic of its own
 * in a Telegram forum, titled as the source topic, once; General goes to the
 * chat itself; replies, edits and deletes follow the copy into its thread; a
 * destination that cannot take topics is a notice on the pair.
 */
import assert from 'node:assert/strict';
import type { FakeChannel, FakeUser, TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

describe('Telegram forum topics mapped to Discord threads and Telegram topics (real gramjs and discord.js, both fakes)', function () {
  this.timeout(120_000);
  let world: ForwardingWorld;
  let tg: TelegramFake;
  let alice: FakeUser;
  let bob: FakeUser;
  let forum: FakeChannel;
  let copyForum: FakeChannel;
  let plainGroup: FakeChannel;
  let forum2: FakeChannel;
  let bot: Awaited<ReturnType<ForwardingWorld['bot']>>;
  const dc = { channel: '', noThreads: '', forum: '' };
  const pairs = { toDiscord: '', toTelegram: '', notForum: '', noThreads: '', toForum: '' };
  let news = 0;

  const threadsOf = (channelId: string) => world.fake.threads(channelId).filter((t) => t.ownerId === bot.botId);
  const botMessages = (channelId: string) => world.fake.messages(channelId).filter((m) => m.authorId === bot.botId);
  const threadNamed = (name: string) => threadsOf(dc.channel).find((t) => t.name === name);
  const copiedTopic = (title: string) => tg.forumTopics(copyForum).find((t) => t.title === title && t.fromId === alice.id);
  const inCopyForum = (topicId: number | null) => tg.messages(copyForum).filter((m) => m.fromId === alice.id && !m.deleted && m.service === null && m.topicId === topicId);

  async function noticeOf(pairId: string): Promise<{ code: string; message: string } | null> {
    const rows = await world.sql.all<{ delivery_notice: { code: string; message: string } | null }>(
      `select delivery_notice from ${world.sql.table('forwarding_pairs')} where id = ?`, [pairId]);
    return rows[0]?.delivery_notice ?? null;
  }

  before(async () => {
    world = await ForwardingWorld.create('fwd_topicmap', { telegram: true });
    tg = world.tg!;
    const owner = await world.user('elite');
    alice = tg.createUser({ phone: '+15550004001', firstName: 'Alice' });
    bob = tg.createUser({ phone: '+15550004002', firstName: 'Bob' });
    forum = tg.createChannel({ title: 'team forum', megagroup: true, forum: true, members: [alice.id, bob.id], creatorId: bob.id });
    // Opening topics takes an admin (the fake's rule; Telegram's default rights too).
    copyForum = tg.createChannel({ title: 'copy forum', megagroup: true, forum: true, members: [alice.id, bob.id], creatorId: bob.id, admins: [alice.id] });
    plainGroup = tg.createChannel({ title: 'plain group', megagroup: true, members: [alice.id, bob.id], creatorId: bob.id, admins: [alice.id] });
    forum2 = tg.createChannel({ title: 'second forum', megagroup: true, forum: true, members: [alice.id, bob.id], creatorId: bob.id });
    news = tg.createForumTopic(bob.id, forum, 'News');
    const account = await world.telegramAccount(owner, alice);
    bot = await world.bot(owner, 'topicmap');
    dc.channel = world.channel('mapped');
    dc.noThreads = world.channel('no threads');
    world.fake.setPermission(bot.botId, dc.noThreads, 'create_public_threads', false);
    dc.forum = world.fake.createChannel(world.guildId, 'mapped forum', { type: 15 }).id;
    const tgEnd = (chat: FakeChannel) => ({ platform: 'telegram' as const, accountId: account.accountId, chatId: tg.markedId(chat) });
    const dcEnd = (chatId: string) => ({ platform: 'discord' as const, accountId: bot.accountId, chatId });
    pairs.toDiscord = await world.pair({ userId: owner, source: tgEnd(forum), destination: dcEnd(dc.channel), mapTopics: true });
    pairs.toTelegram = await world.pair({ userId: owner, source: tgEnd(forum), destination: tgEnd(copyForum), mapTopics: true });
    pairs.notForum = await world.pair({ userId: owner, source: tgEnd(forum2), destination: tgEnd(plainGroup), mapTopics: true });
    pairs.noThreads = await world.pair({ userId: owner, source: tgEnd(forum2), destination: dcEnd(dc.noThreads), mapTopics: true });
    pairs.toForum = await world.pair({ userId: owner, source: tgEnd(forum), destination: dcEnd(dc.forum), mapTopics: true });
    await world.start();
    await world.running(2);
  });

  after(async () => {
    await world?.close();
  });

  it('opens a Discord thread per source topic, titled as the topic, once; General goes to the channel; a reply stays in its thread', async () => {
    const n1 = tg.sendAsUser(bob.id, forum, { text: 'n1 in news', topicId: news });
    tg.sendAsUser(bob.id, forum, { text: 'g1 in general' });
    // A topic opened while the service runs: its title is read when its first message is forwarded.
    const alerts = tg.createForumTopic(bob.id, forum, 'Alerts');
    tg.sendAsUser(bob.id, forum, { text: 'a1 in alerts', topicId: alerts });
    tg.sendAsUser(bob.id, forum, { text: 'n2 answers n1', topicId: news, replyToMsgId: n1.id });
    await waitFor('both threads and their messages', () => {
      const newsThread = threadNamed('News');
      const alertsThread = threadNamed('Alerts');
      return newsThread !== undefined && alertsThread !== undefined && botMessages(newsThread.id).length === 2 && botMessages(alertsThread.id).length === 1;
    }, 30_000);
    await waitFor('g1 in the channel', () => botMessages(dc.channel).some((m) => /g1 in general/.test(m.content)), 10_000);
    const newsThread = threadNamed('News')!;
    assert.equal(newsThread.type, 11, 'a public thread');
    assert.deepEqual(threadsOf(dc.channel).map((t) => t.name).sort(), ['Alerts', 'News'], 'one thread per topic, none for General');
    const [c1, c2] = botMessages(newsThread.id);
    assert.match(c1!.content, /n1 in news/);
    assert.match(c2!.content, /n2 answers n1/);
    assert.equal(c2!.reference?.messageId, c1!.id, 'the reply answers the copy of n1 in the thread');
    assert.match(botMessages(threadNamed('Alerts')!.id)[0]!.content, /a1 in alerts/);
    assert.equal(botMessages(dc.channel).length, 1, 'only General\'s message in the channel itself');

    tg.sendAsUser(bob.id, forum, { text: 'a2 in alerts', topicId: alerts });
    await waitFor('a2 in the Alerts thread', () => botMessages(threadNamed('Alerts')!.id).length === 2, 20_000);
    assert.equal(threadsOf(dc.channel).length, 2, 'no second thread for a topic already mapped');
    const links = await world.sql.all<{ source_topic_id: string; destination_topic_id: string; title: string }>(
      `select source_topic_id, destination_topic_id, title from ${world.sql.table('topic_links')} where pair_id = ? order by title`, [pairs.toDiscord]);
    assert.deepEqual(links, [
      { source_topic_id: String(alerts), destination_topic_id: threadNamed('Alerts')!.id, title: 'Alerts' },
      { source_topic_id: String(news), destination_topic_id: newsThread.id, title: 'News' },
    ]);
  });

  it('into a Discord forum: a post per source topic, titled as the topic, and one for General titled as the forum', async () => {
    const postNamed = (name: string) => threadsOf(dc.forum).find((t) => t.name === name);
    await waitFor('the posts of News, Alerts and General', () => ['News', 'Alerts', 'team forum'].every((n) => postNamed(n) !== undefined)
      && botMessages(postNamed('News')!.id).length === 2 && botMessages(postNamed('Alerts')!.id).length >= 1, 30_000);
    assert.match(botMessages(postNamed('News')!.id)[0]!.content, /n1 in news/);
    assert.equal(botMessages(postNamed('News')!.id)[0]!.id, postNamed('News')!.id, 'the first copy opened the post');
    assert.match(botMessages(postNamed('team forum')!.id)[0]!.content, /g1 in general/);
    assert.equal(botMessages(dc.forum).length, 0, 'nothing in the forum itself');
  });

  it('edits and deletes follow the copy into its thread', async () => {
    const e1 = tg.sendAsUser(bob.id, forum, { text: 'e1 before', topicId: news });
    const newsThread = threadNamed('News')!;
    await waitFor('e1 in the thread', () => botMessages(newsThread.id).some((m) => /e1 before/.test(m.content)), 20_000);
    tg.editAsUser(bob.id, forum, e1.id, { text: 'e1 after' });
    await waitFor('the edit in the thread', () => botMessages(newsThread.id).some((m) => /e1 after/.test(m.content)), 20_000);
    tg.deleteAsUser(bob.id, forum, [e1.id]);
    await waitFor('the delete in the thread', () => !botMessages(newsThread.id).some((m) => /e1 /.test(m.content)), 20_000);
  });

  it('a send failing after its thread was opened posts there on its retry: still one thread for the topic', async () => {
    const releases = tg.createForumTopic(bob.id, forum, 'Releases');
    const posts = () => world.fake.stats().requests['POST /channels/:id/messages'] ?? 0;
    const postsBefore = posts();
    // The thread opens; the post into it fails once (Discord 502), and the task is tried again.
    world.fake.serverError({ botUserId: bot.botId, route: 'POST /channels/:id/messages', count: 1, status: 502 });
    tg.sendAsUser(bob.id, forum, { text: 'r1 in releases', topicId: releases });
    await waitFor('r1 in the Releases thread', () => {
      const thread = threadNamed('Releases');
      return thread !== undefined && botMessages(thread.id).some((m) => /r1 in releases/.test(m.content));
    }, 30_000);
    assert.equal(threadsOf(dc.channel).filter((t) => t.name === 'Releases').length, 1);
    assert.equal(posts() - postsBefore, 2, 'the post failed once, then went out');
  });

  it('a thread whose answer was lost (a 502 after Discord opened it) is found on the retry: still one thread for the topic', async () => {
    const changelog = tg.createForumTopic(bob.id, forum, 'Changelog');
    world.fake.serverError({ botUserId: bot.botId, route: 'POST /channels/:id/threads', majorId: dc.channel, count: 1, status: 502, applied: true });
    tg.sendAsUser(bob.id, forum, { text: 'c1 in changelog', topicId: changelog });
    await waitFor('c1 in the Changelog thread', () => {
      const thread = threadNamed('Changelog');
      return thread !== undefined && botMessages(thread.id).some((m) => /c1 in changelog/.test(m.content));
    }, 30_000);
    tg.sendAsUser(bob.id, forum, { text: 'c2 in changelog', topicId: changelog });
    await waitFor('c2 after it', () => botMessages(threadNamed('Changelog')!.id).some((m) => /c2 in changelog/.test(m.content)), 30_000);
    assert.equal(threadsOf(dc.channel).filter((t) => t.name === 'Changelog').length, 1, 'the thread the lost answer made, used');
    assert.deepEqual(botMessages(threadNamed('Changelog')!.id).map((m) => /c\d in changelog/.exec(m.content)?.[0]), ['c1 in changelog', 'c2 in changelog']);
  });

  it('opens a topic per source topic in a Telegram forum, with the same title; General stays in General', async () => {
    await waitFor('News and Alerts opened in the copy forum', () => copiedTopic('News') !== undefined && copiedTopic('Alerts') !== undefined, 30_000);
    // Telegram → Telegram goes at Telegram's pace for a group (about one message a second, 20 a minute).
    await waitFor('the messages in their topics', () => inCopyForum(copiedTopic('News')!.id).length >= 2 && inCopyForum(copiedTopic('Alerts')!.id).length === 2, 45_000)
      .catch((error: unknown) => {
        throw new Error(`${String(error)}; copy forum: ${JSON.stringify(tg.messages(copyForum).map((m) => [m.id, m.topicId, m.text]))}`);
      });
    assert.deepEqual(inCopyForum(copiedTopic('Alerts')!.id).map((m) => m.text), ['a1 in alerts', 'a2 in alerts']);
    await waitFor('Releases opened too', () => copiedTopic('Releases') !== undefined, 20_000);
    assert.equal(tg.forumTopics(copyForum).filter((t) => t.fromId === alice.id).length, 3, 'one topic per source topic');
    assert.ok(inCopyForum(copiedTopic('News')!.id).some((m) => m.text === 'n1 in news' && m.forwardedFrom?.fromId === bob.id), 'forwarded, with its header');
    assert.deepEqual(inCopyForum(null).map((m) => m.text), ['g1 in general']);
  });

  it('a destination that is no forum, or a channel the bot may not start threads in, is a notice on the pair', async () => {
    const topic = tg.createForumTopic(bob.id, forum2, 'Ops');
    tg.sendAsUser(bob.id, forum2, { text: 'o1 in ops', topicId: topic });
    await waitFor('both notices', async () => (await noticeOf(pairs.notForum))?.code === 'destination_not_forum'
      && (await noticeOf(pairs.noThreads))?.code === 'destination_forbidden', 30_000);
    assert.match((await noticeOf(pairs.noThreads))!.message, /Create Public Threads/);
    assert.equal(tg.messages(plainGroup).filter((m) => m.fromId === alice.id && m.service === null).length, 0);
    assert.equal(world.fake.threads(dc.noThreads).length, 0);
    assert.equal(botMessages(dc.noThreads).length, 0, 'nothing posted in the channel instead');
  });
});
