/**
 * Telegram forum topics on either end of a pair, through the real
 * supervisor, gramjs and discord.js against both fakes: a pair reading one
 * topic takes only that topic's messages (to a Discord thread, replies
 * kept); a Discord thread's messages land in the topic a pair names, as
 * posts and as replies inside it; a Telegram → Telegram forward keeps to its
 * destination topic (`top_msg_id`); a deleted destination topic is a notice
 * on the pair, not a silent loss.
 */
import assert from 'node:assert/strict';
import type { FakeChannel, FakeUser, TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

describe('Telegram forum topics ↔ Discord threads and topics (real gramjs and discord.js, both fakes)', function () {
  this.timeout(90_000);
  let world: ForwardingWorld;
  let tg: TelegramFake;
  let alice: FakeUser;
  let bob: FakeUser;
  let source: FakeChannel;
  let destination: FakeChannel;
  const topic = { news: 0, chat: 0, inbox: 0, archive: 0 };
  const dc = { thread: '', inThread: '' };
  let bot: Awaited<ReturnType<ForwardingWorld['bot']>>;
  let intoTopicPair = '';

  const dcPosted = () => world.fake.messages(dc.thread).filter((m) => m.authorId === bot.botId);
  const postedIn = (topicId: number) => tg.messages(destination).filter((m) => m.fromId === alice.id && !m.deleted && m.topicId === topicId);

  before(async () => {
    world = await ForwardingWorld.create('fwd_topics', { telegram: true });
    tg = world.tg!;
    const owner = await world.user('elite');
    alice = tg.createUser({ phone: '+15550003001', firstName: 'Alice' });
    bob = tg.createUser({ phone: '+15550003002', firstName: 'Bob' });
    source = tg.createChannel({ title: 'source forum', megagroup: true, forum: true, members: [alice.id, bob.id], creatorId: bob.id });
    destination = tg.createChannel({ title: 'destination forum', megagroup: true, forum: true, members: [alice.id, bob.id], creatorId: bob.id });
    topic.news = tg.createForumTopic(bob.id, source, 'News');
    topic.chat = tg.createForumTopic(bob.id, source, 'Chat');
    topic.inbox = tg.createForumTopic(bob.id, destination, 'From Discord');
    topic.archive = tg.createForumTopic(bob.id, destination, 'Archive');
    const account = await world.telegramAccount(owner, alice);
    bot = await world.bot(owner, 'topics');
    const parent = world.channel('threads');
    dc.thread = world.fake.createThread(parent, 'news from telegram').id;
    dc.inThread = world.fake.createThread(parent, 'to telegram').id;
    const tgEnd = (chat: FakeChannel, topicId: number) => ({ platform: 'telegram' as const, accountId: account.accountId, chatId: tg.markedId(chat), topicId: String(topicId) });
    await world.pair({ userId: owner, source: tgEnd(source, topic.news), destination: { platform: 'discord', accountId: bot.accountId, chatId: dc.thread } });
    intoTopicPair = await world.pair({ userId: owner, source: { platform: 'discord', accountId: bot.accountId, chatId: dc.inThread }, destination: tgEnd(destination, topic.inbox) });
    await world.pair({ userId: owner, source: tgEnd(source, topic.chat), destination: tgEnd(destination, topic.archive) });
    await world.start();
    await world.running(2);
  });

  after(async () => {
    await world?.close();
  });

  it('a pair reading one topic takes only its messages, into a Discord thread, a reply inside the topic kept as a reply', async () => {
    const first = tg.sendAsUser(bob.id, source, { text: 'n1 in news', topicId: topic.news });
    tg.sendAsUser(bob.id, source, { text: 'g1 in general' });
    await waitFor('n1 on Discord', () => dcPosted().length === 1, 20_000);
    tg.sendAsUser(bob.id, source, { text: 'n2 answers n1', replyToMsgId: first.id });
    await waitFor('n2 on Discord', () => dcPosted().length === 2, 20_000);
    const [n1, n2] = dcPosted();
    assert.match(n1!.content, /n1 in news/);
    assert.match(n2!.content, /n2 answers n1/);
    assert.equal(n2!.reference?.messageId, n1!.id, 'the reply points at the copy of n1');
    assert.ok(dcPosted().every((m) => !/general|c\d/.test(m.content)), 'nothing from other topics');
  });

  it('a Discord thread\'s messages land in the topic the pair names, replies inside it', async () => {
    const d1 = world.fake.postAsUser(dc.inThread, { content: 'd1 from the thread' });
    await waitFor('d1 in the topic', () => postedIn(topic.inbox).length === 1, 20_000);
    world.fake.postAsUser(dc.inThread, { content: 'd2 answers d1', replyTo: d1.id });
    await waitFor('d2 in the topic', () => postedIn(topic.inbox).length === 2, 20_000);
    const [c1, c2] = postedIn(topic.inbox);
    assert.match(c1!.text, /d1 from the thread/);
    assert.match(c2!.text, /d2 answers d1/);
    assert.equal(c2!.replyTo, c1!.id, 'the reply answers the copy of d1, inside the topic');
    assert.equal(tg.messages(destination).filter((m) => m.fromId === alice.id && m.topicId === null).length, 0, 'nothing in General');
  });

  it('a Telegram → Telegram forward goes into its destination topic', async () => {
    tg.sendAsUser(bob.id, source, { text: 'c1 in chat', topicId: topic.chat });
    await waitFor('c1 forwarded into Archive', () => postedIn(topic.archive).length === 1, 20_000);
    const [forwarded] = postedIn(topic.archive);
    assert.equal(forwarded!.text, 'c1 in chat');
    assert.equal(forwarded!.forwardedFrom?.fromId, bob.id);
    assert.equal(dcPosted().filter((m) => /c1 in chat/.test(m.content)).length, 0, 'the News pair does not take it');
  });

  it('a deleted destination topic is a notice on the pair, and nothing lands elsewhere', async () => {
    tg.setForumTopic(destination, topic.inbox, 'deleted');
    const before = tg.messages(destination).filter((m) => m.fromId === alice.id).length;
    world.fake.postAsUser(dc.inThread, { content: 'd3 after the topic went' });
    await waitFor('the pair\'s notice', async () => {
      const rows = await world.sql.all<{ delivery_notice: { code: string; message: string } | null }>(
        `select delivery_notice from ${world.sql.table('forwarding_pairs')} where id = ?`, [intoTopicPair]);
      return rows[0]?.delivery_notice?.code === 'destination_topic_unavailable';
    }, 20_000);
    assert.equal(tg.messages(destination).filter((m) => m.fromId === alice.id).length, before);
  });
});
