/**
 * The Telegram fake against the real, unmodified gramjs client over TCP:
 * handshake and resume, login by code and 2FA (SRP), every login error,
 * sends to users, groups and channels with random_id dedupe, edits and
 * deletes, pushed updates of every kind, catching up with getDifference and
 * getChannelDifference, history and dialogs, scripted faults, revoked keys,
 * AUTH_KEY_DUPLICATED, dropped and zombie connections, forum topics
 * (channels.createForumTopic, channels.getForumTopicsByID).
 */
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import type { TelegramClient } from 'telegram';
import { FloodWaitError } from 'telegram/errors/index.js';
import { serverRsaKey } from '../../fakes/telegram/rsa-key.ts';
import { serverKeyFromPem } from '../../../src/telegram/server-keys.ts';
import { TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import type { FakeChannel, FakeGroup, FakeUser, TelegramFakeOptions } from '../../fakes/telegram/telegram-fake.ts';
import {
  API_HASH, API_ID, inputChannel, inputChat, inputUser, logIn, loggedInClient, newClient, recordUpdates, rpcError, sendText, sleep, waitFor,
} from './telegram-test-kit.ts';

describe('Telegram fake (with the real gramjs client)', function () {
  this.timeout(30_000);
  let fake: TelegramFake;
  let alice: FakeUser;
  let bob: FakeUser;
  let carol: FakeUser;
  let group: FakeGroup;
  let chan: FakeChannel;
  let news: FakeChannel;
  const clients: TelegramClient[] = [];

  async function world(options: TelegramFakeOptions = {}): Promise<void> {
    fake = await TelegramFake.start(options);
    alice = fake.createUser({ phone: '+15550000001', firstName: 'Alice', username: 'alice' });
    bob = fake.createUser({ phone: '+15550000002', firstName: 'Bob' });
    carol = fake.createUser({ phone: '+15550000003', firstName: 'Carol', password: 'hunter2' });
    group = fake.createGroup({ title: 'Group', members: [bob.id, carol.id], creatorId: alice.id });
    chan = fake.createChannel({ title: 'Super', megagroup: true, members: [bob.id], creatorId: alice.id });
    news = fake.createChannel({ title: 'News', megagroup: false, members: [alice.id, bob.id], creatorId: carol.id });
  }

  async function login(phone: string, password?: string): Promise<{ client: TelegramClient; saved: string }> {
    const made = await loggedInClient(fake, phone, password);
    clients.push(made.client);
    return made;
  }

  async function client(session?: string): Promise<TelegramClient> {
    const made = await newClient(fake, { session, connect: false });
    clients.push(made);
    await made.connect();
    return made;
  }

  const user = inputUser;
  const chat = inputChat;
  const channel = inputChannel;
  const send = sendText;

  beforeEach(async () => {
    await world();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.destroy();
    await fake.close();
  });

  it('signs with the key whose fingerprint a client trusting its PEM checks', () => {
    const key = serverRsaKey();
    assert.equal(key.fingerprint, serverKeyFromPem(fake.publicKeyPem).fingerprint);
    assert.equal(fake.publicKeyPem, key.publicKeyPem);
  });

  it('handshakes, logs in by code and answers getMe; a saved session resumes with no new handshake', async () => {
    assert.ok(fake.port >= 20_000 && fake.port <= 32_767);
    const { client: c, saved } = await login(alice.phone);
    assert.equal(fake.stats().handshakes, 1);
    assert.equal(fake.stats().calls['help.getConfig'], 1);
    const me = await c.getMe();
    assert.equal(me.id.toString(), alice.id);
    assert.equal(me.firstName, 'Alice');
    assert.equal(me.self, true);
    await c.destroy();
    const resumed = await client(saved);
    assert.equal((await resumed.getMe()).id.toString(), alice.id);
    assert.equal(fake.stats().handshakes, 1);
    assert.equal(fake.stats().liveKeys, 1);
    assert.deepEqual(fake.stats().connectionsByUser, { [alice.id]: 1 });
  });

  it("logs in through gramjs's own client.start, with 2FA", async () => {
    const c = await client();
    await c.start({
      phoneNumber: async () => carol.phone,
      phoneCode: async () => fake.lastCode(carol.phone)!,
      password: async () => 'hunter2',
      onError: (error) => {
        throw error;
      },
    });
    assert.equal((await c.getMe()).id.toString(), carol.id);
    assert.equal(fake.stats().calls['auth.checkPassword'], 1);
  });

  it('2FA: SESSION_PASSWORD_NEEDED, a wrong password, a reused srp_id', async () => {
    const c = await client();
    const sent = await c.invoke(new Api.auth.SendCode({ phoneNumber: carol.phone, apiId: API_ID, apiHash: API_HASH, settings: new Api.CodeSettings({}) })) as Api.auth.SentCode;
    const signIn = new Api.auth.SignIn({ phoneNumber: carol.phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: fake.lastCode(carol.phone)! });
    assert.equal(await rpcError(c.invoke(signIn)), '401 SESSION_PASSWORD_NEEDED');
    assert.equal(await rpcError(c.getMe()), '401 AUTH_KEY_UNREGISTERED');
    const { computeCheck } = await import('telegram/Password.js');
    const params = await c.invoke(new Api.account.GetPassword());
    assert.ok(params.hasPassword && params.currentAlgo instanceof Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow);
    const wrong = await computeCheck(params, 'wrong');
    assert.equal(await rpcError(c.invoke(new Api.auth.CheckPassword({ password: wrong }))), '400 PASSWORD_HASH_INVALID');
    const right = await computeCheck(params, 'hunter2');
    assert.equal(await rpcError(c.invoke(new Api.auth.CheckPassword({ password: right }))), '400 SRP_ID_INVALID');
    const fresh = await computeCheck(await c.invoke(new Api.account.GetPassword()), 'hunter2');
    await c.invoke(new Api.auth.CheckPassword({ password: fresh }));
    assert.equal((await c.getMe()).id.toString(), carol.id);
  });

  it('login errors: invalid and expired codes, codes of another key, unknown and invalid phones, resend and cancel', async () => {
    await fake.close();
    await world({ codeTtlMs: 300 });
    const c = await client();
    const sendCode = (phoneNumber: string) => c.invoke(new Api.auth.SendCode({ phoneNumber, apiId: API_ID, apiHash: API_HASH, settings: new Api.CodeSettings({}) }));
    const signIn = (phoneNumber: string, phoneCodeHash: string, phoneCode: string) => c.invoke(new Api.auth.SignIn({ phoneNumber, phoneCodeHash, phoneCode }));
    const sent = await sendCode(alice.phone) as Api.auth.SentCode;
    assert.ok(sent.type instanceof Api.auth.SentCodeTypeApp && sent.type.length === 5);
    const wrongCode = fake.lastCode(alice.phone)!.replace(/^./, (d) => String((Number(d) + 1) % 10));
    assert.equal(await rpcError(signIn(alice.phone, sent.phoneCodeHash, wrongCode)), '400 PHONE_CODE_INVALID');
    await new Promise((resolve) => setTimeout(resolve, 350));
    assert.equal(await rpcError(signIn(alice.phone, sent.phoneCodeHash, fake.lastCode(alice.phone)!)), '400 PHONE_CODE_EXPIRED');
    const other = await client();
    const theirs = await other.invoke(new Api.auth.SendCode({ phoneNumber: bob.phone, apiId: API_ID, apiHash: API_HASH, settings: new Api.CodeSettings({}) })) as Api.auth.SentCode;
    assert.equal(await rpcError(signIn(bob.phone, theirs.phoneCodeHash, fake.lastCode(bob.phone)!)), '400 PHONE_CODE_EXPIRED');
    const unknown = await sendCode('+15559999999') as Api.auth.SentCode;
    assert.equal(await rpcError(signIn('+15559999999', unknown.phoneCodeHash, fake.lastCode('+15559999999')!)), '400 PHONE_NUMBER_UNOCCUPIED');
    assert.equal(await rpcError(sendCode('12')), '400 PHONE_NUMBER_INVALID');
    const first = await sendCode(bob.phone) as Api.auth.SentCode;
    const firstCode = fake.lastCode(bob.phone)!;
    const resent = await c.invoke(new Api.auth.ResendCode({ phoneNumber: bob.phone, phoneCodeHash: first.phoneCodeHash })) as Api.auth.SentCode;
    assert.ok(resent.type instanceof Api.auth.SentCodeTypeSms);
    if (firstCode !== fake.lastCode(bob.phone)) assert.equal(await rpcError(signIn(bob.phone, first.phoneCodeHash, firstCode)), '400 PHONE_CODE_INVALID');
    await c.invoke(new Api.auth.CancelCode({ phoneNumber: bob.phone, phoneCodeHash: first.phoneCodeHash }));
    assert.equal(await rpcError(signIn(bob.phone, first.phoneCodeHash, fake.lastCode(bob.phone)!)), '400 PHONE_CODE_EXPIRED');
    assert.equal(await rpcError(c.invoke(new Api.updates.GetState())), '401 AUTH_KEY_UNREGISTERED');
  });

  it('sends to a user, a basic group and a channel, answering as Telegram does, and stores what was sent', async () => {
    const { client: a } = await login(alice.phone);
    const toBob = await send(a, user(bob), 'hi bob', { entities: [new Api.MessageEntityBold({ offset: 0, length: 2 })], silent: true });
    assert.ok(toBob instanceof Api.UpdateShortSentMessage && toBob.out);
    const stored = fake.messages(bob, alice.id);
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.text, 'hi bob');
    assert.ok(stored[0]!.entities[0] instanceof Api.MessageEntityBold);
    assert.equal(stored[0]!.silent, true);
    assert.equal(stored[0]!.fromId, alice.id);
    assert.equal(stored[0]!.id, toBob.id);
    const toGroup = await send(a, chat(group), 'hi group');
    assert.ok(toGroup instanceof Api.UpdateShortSentMessage);
    const reply = await send(a, chat(group), 'a reply', { replyTo: new Api.InputReplyToMessage({ replyToMsgId: toGroup.id }) });
    assert.ok(reply instanceof Api.UpdateShortSentMessage);
    assert.equal(fake.messages(group).at(-1)!.replyTo, toGroup.id);
    const toChannel = await send(a, channel(chan), 'hi channel', { randomId: bigInt('-4242') });
    assert.ok(toChannel instanceof Api.Updates);
    const [idUpdate, newMessage] = toChannel.updates;
    assert.ok(idUpdate instanceof Api.UpdateMessageID && idUpdate.randomId?.toString() === '-4242');
    assert.ok(newMessage instanceof Api.UpdateNewChannelMessage && newMessage.message instanceof Api.Message);
    assert.equal(newMessage.message.id, idUpdate.id);
    assert.deepEqual(fake.messages(chan).map((m) => [m.text, m.randomId]), [['hi channel', '-4242']]);
    assert.equal(fake.markedId(chan), `-100${chan.id}`);
    assert.equal(fake.markedId(group), `-${group.id}`);
    assert.equal(fake.messages(fake.markedId(chan)).length, 1);
  });

  it('answers a reused random_id with RANDOM_ID_DUPLICATE and posts once', async () => {
    const { client: a } = await login(alice.phone);
    await send(a, chat(group), 'once', { randomId: bigInt(77) });
    assert.equal(await rpcError(send(a, chat(group), 'once', { randomId: bigInt(77) })), '500 RANDOM_ID_DUPLICATE');
    assert.equal(fake.messages(group).length, 1);
  });

  it('forwardMessages posts with the "forwarded from" header (none with drop_author), answers updateMessageID + the new messages, dedupes random_id', async () => {
    const { client: a } = await login(alice.phone);
    const { client: b } = await login(bob.phone);
    const seenB = recordUpdates(b);
    const bold = [new Api.MessageEntityBold({ offset: 0, length: 4 })];
    const original = fake.sendAsUser(bob.id, group, { text: 'news item', entities: bold });
    const post = fake.sendAsUser(carol.id, news, { text: 'broadcast' });
    const forward = (o: Partial<ConstructorParameters<typeof Api.messages.ForwardMessages>[0]>) => a.invoke(new Api.messages.ForwardMessages({
      fromPeer: chat(group), id: [original.ids[alice.id]!], randomId: [bigInt(501)], toPeer: channel(chan), ...o,
    }));
    const answer = await forward({ silent: true });
    assert.ok(answer instanceof Api.Updates);
    const [idUpdate, newMessage] = answer.updates;
    assert.ok(idUpdate instanceof Api.UpdateMessageID && idUpdate.randomId?.toString() === '501');
    assert.ok(newMessage instanceof Api.UpdateNewChannelMessage && newMessage.message instanceof Api.Message);
    assert.equal(newMessage.message.id, idUpdate.id);
    assert.ok(newMessage.message.fwdFrom instanceof Api.MessageFwdHeader);
    assert.equal((newMessage.message.fwdFrom.fromId as Api.PeerUser).userId.toString(), bob.id);
    assert.ok(answer.users.some((u) => u.id.toString() === bob.id), 'the original author travels with the answer');
    const [stored] = fake.messages(chan);
    assert.deepEqual(stored!.forwardedFrom, { fromId: bob.id, date: original.date, channelPost: null });
    assert.equal(stored!.text, 'news item');
    assert.ok(stored!.entities[0] instanceof Api.MessageEntityBold);
    assert.equal(stored!.silent, true);
    assert.equal(stored!.fromId, alice.id);
    assert.equal(await rpcError(forward({})), '500 RANDOM_ID_DUPLICATE');
    assert.equal(await rpcError(a.invoke(new Api.messages.EditMessage({ peer: channel(chan), id: idUpdate.id, message: 'x' }))), '400 MESSAGE_ID_INVALID');
    assert.equal(fake.messages(chan).length, 1);
    await forward({ randomId: [bigInt(502)], dropAuthor: true });
    assert.equal(fake.messages(chan).at(-1)!.forwardedFrom, null);
    assert.equal(fake.messages(chan).at(-1)!.text, 'news item');
    // Without its header the copy is the caller's own message, and editable.
    await a.invoke(new Api.messages.EditMessage({ peer: channel(chan), id: fake.messages(chan).at(-1)!.id, message: 'edited copy' }));
    // To a private chat (the long form, one updateNewMessage), from a broadcast channel (the channel signs the header).
    const toBob = await a.invoke(new Api.messages.ForwardMessages({ fromPeer: channel(news), id: [post.id], randomId: [bigInt(503)], toPeer: user(bob) }));
    assert.ok(toBob instanceof Api.Updates && toBob.updates[1] instanceof Api.UpdateNewMessage);
    assert.deepEqual(fake.messages(bob, alice.id).at(-1)!.forwardedFrom, { fromId: `-100${news.id}`, date: post.date, channelPost: post.id });
    await waitFor('bob is pushed the forward with its header', () => seenB.some((u) => u instanceof Api.UpdateShortMessage && u.fwdFrom instanceof Api.MessageFwdHeader));
  });

  it('forwardMessages errors: CHAT_FORWARDS_RESTRICTED, CHANNEL_PRIVATE, PEER_ID_INVALID, MESSAGE_ID_INVALID, RANDOM_ID_INVALID', async () => {
    const { client: a } = await login(alice.phone);
    const { client: b } = await login(bob.phone);
    const locked = fake.createChannel({ title: 'Locked', megagroup: true, members: [alice.id], creatorId: bob.id, noforwards: true });
    const inLocked = fake.sendAsUser(bob.id, locked, { text: 'secret' });
    const forward = (c: TelegramClient, fromPeer: Api.TypeInputPeer, id: number, randomId = [bigInt(900 + id)]) =>
      c.invoke(new Api.messages.ForwardMessages({ fromPeer, id: [id], randomId, toPeer: user(carol) }));
    assert.equal(await rpcError(forward(a, channel(locked), inLocked.id)), '400 CHAT_FORWARDS_RESTRICTED');
    const secret = fake.createChannel({ title: 'Private', megagroup: true, members: [], creatorId: bob.id });
    const inSecret = fake.sendAsUser(bob.id, secret, { text: 'members only' });
    assert.equal(await rpcError(forward(a, channel(secret), inSecret.id)), '400 CHANNEL_PRIVATE');
    const other = fake.createGroup({ title: 'Other', members: [], creatorId: bob.id });
    assert.equal(await rpcError(forward(a, chat(other), 1)), '400 PEER_ID_INVALID');
    assert.equal(await rpcError(forward(b, channel(secret), 999)), '400 MESSAGE_ID_INVALID');
    assert.equal(await rpcError(forward(b, channel(secret), inSecret.id, [bigInt(1), bigInt(2)])), '400 RANDOM_ID_INVALID');
    assert.equal(fake.messages(carol, bob.id).length, 0);
  });

  it('issues a logged-in session without a handshake, and holds answers of calls that ran', async () => {
    const saved = await fake.issueSession(alice.id);
    const before = fake.stats().handshakes;
    const a = await client(saved);
    const me = await a.getMe();
    assert.equal(String(me.id), alice.id);
    assert.equal(fake.stats().handshakes, before);

    fake.holdAnswers('messages.sendMessage', 400);
    const started = Date.now();
    const answered = send(a, chat(group), 'held');
    await waitFor('posted before the answer', () => fake.messages(group).length === 1);
    assert.ok(Date.now() - started < 350, 'the message is there while its answer waits');
    await answered;
    assert.ok(Date.now() - started >= 400);
  });

  describe('forum topics', () => {
    let forum: FakeChannel;
    let nextTopicRandomId = 7000;

    beforeEach(() => {
      forum = fake.createChannel({ title: 'Forum', megagroup: true, forum: true, members: [bob.id], admins: [carol.id], creatorId: alice.id });
    });

    const openTopic = (c: TelegramClient, title: string, extra: Partial<ConstructorParameters<typeof Api.channels.CreateForumTopic>[0]> = {}) =>
      c.invoke(new Api.channels.CreateForumTopic({ channel: channel(forum), title, randomId: bigInt(nextTopicRandomId++), ...extra }));
    const topicsById = (c: TelegramClient, topics: number[], where: FakeChannel = forum) =>
      c.invoke(new Api.channels.GetForumTopicsByID({ channel: channel(where), topics }));
    const topicOpenings = async (c: TelegramClient) => {
      const history = await c.invoke(new Api.messages.GetHistory({
        peer: channel(forum), offsetId: 0, offsetDate: 0, addOffset: 0, limit: 100, maxId: 0, minId: 0, hash: bigInt(0),
      }));
      return 'messages' in history ? history.messages.filter((m) => m instanceof Api.MessageService && m.action instanceof Api.MessageActionTopicCreate) : [];
    };

    it('createForumTopic answers updateMessageID + updateNewChannelMessage of messageActionTopicCreate (the topic id), pushes it to the members; posts go in with top_msg_id', async () => {
      const { client: a } = await login(alice.phone);
      const { client: b } = await login(bob.phone);
      const seenB = recordUpdates(b);
      const answer = await openTopic(a, 'Releases', { iconColor: 0xFFD67E, randomId: bigInt('-7001') });
      assert.ok(answer instanceof Api.Updates);
      assert.equal(answer.updates.length, 2);
      const [idUpdate, newMessage] = answer.updates;
      assert.ok(idUpdate instanceof Api.UpdateMessageID && idUpdate.randomId?.toString() === '-7001');
      assert.ok(newMessage instanceof Api.UpdateNewChannelMessage && newMessage.message instanceof Api.MessageService);
      const opening = newMessage.message;
      const topicId = idUpdate.id;
      assert.equal(opening.id, topicId);
      assert.ok(opening.out);
      assert.ok(opening.peerId instanceof Api.PeerChannel && opening.peerId.channelId.toString() === forum.id);
      assert.ok(opening.action instanceof Api.MessageActionTopicCreate);
      assert.equal(opening.action.title, 'Releases');
      assert.equal(opening.action.iconColor, 0xFFD67E);
      assert.equal(opening.replyTo, null, 'the opening message replies to nothing');
      assert.ok(answer.chats.some((ch) => ch instanceof Api.Channel && ch.id.toString() === forum.id && ch.forum === true));
      assert.ok(answer.users.some((u) => u.id.toString() === alice.id));
      await waitFor('bob is pushed the opening', () => seenB.some((u) => u instanceof Api.UpdateNewChannelMessage && u.message.id === topicId));
      const pushed = seenB.find((u) => u instanceof Api.UpdateNewChannelMessage) as Api.UpdateNewChannelMessage;
      assert.ok(pushed.message instanceof Api.MessageService && pushed.message.action instanceof Api.MessageActionTopicCreate && !pushed.message.out);
      assert.equal(pushed.message.action.title, 'Releases');
      // An admin opens topics too; the helper and the RPC open them alike.
      const { client: c } = await login(carol.phone, 'hunter2');
      const byAdmin = await openTopic(c, 'Support') as Api.Updates;
      assert.equal((byAdmin.updates[0] as Api.UpdateMessageID).id, topicId + 1);
      assert.equal(fake.createForumTopic(bob.id, forum, 'By helper'), topicId + 2);

      const intoTopic = new Api.InputReplyToMessage({ replyToMsgId: topicId, topMsgId: topicId });
      const posted = await send(b, channel(forum), 'v1.0 is out', { replyTo: intoTopic }) as Api.Updates;
      const post = (posted.updates[1] as Api.UpdateNewChannelMessage).message as Api.Message;
      assert.ok(post.replyTo instanceof Api.MessageReplyHeader && post.replyTo.forumTopic === true && post.replyTo.replyToMsgId === topicId);
      assert.equal(fake.messages(forum).at(-1)!.topicId, topicId);
    });

    it('getForumTopicsByID answers messages.forumTopics: titles, icons, top messages, forumTopicDeleted for a deleted topic, General for id 1, unknown ids left out', async () => {
      const { client: a } = await login(alice.phone);
      const { client: b } = await login(bob.phone);
      const releases = ((await openTopic(a, 'Releases', { iconColor: 0xCB86DB, iconEmojiId: bigInt('5368324170671202286') })) as Api.Updates).updates[0] as Api.UpdateMessageID;
      const gone = fake.createForumTopic(carol.id, forum, 'Gone');
      const shut = fake.createForumTopic(carol.id, forum, 'Shut');
      const latest = fake.sendAsUser(bob.id, forum, { text: 'in releases', topicId: releases.id });
      fake.sendAsUser(bob.id, forum, { text: 'in general' });
      fake.setForumTopic(forum, gone, 'deleted');
      fake.setForumTopic(forum, shut, 'closed');
      const answer = await topicsById(b, [releases.id, gone, 999, shut, releases.id, 1]);
      assert.ok(answer instanceof Api.messages.ForumTopics);
      assert.equal(answer.count, 4);
      assert.deepEqual(answer.topics.map((t) => [t.className, t.id]), [
        ['ForumTopic', releases.id], ['ForumTopicDeleted', gone], ['ForumTopic', shut], ['ForumTopic', 1],
      ]);
      const [topic, , closed, general] = answer.topics as [Api.ForumTopic, Api.ForumTopicDeleted, Api.ForumTopic, Api.ForumTopic];
      assert.equal(topic.title, 'Releases');
      assert.equal(topic.iconColor, 0xCB86DB);
      assert.equal(topic.iconEmojiId?.toString(), '5368324170671202286');
      assert.equal(topic.topMessage, latest.id);
      assert.ok(topic.fromId instanceof Api.PeerUser && topic.fromId.userId.toString() === alice.id);
      assert.ok(!topic.my && !topic.closed);
      assert.ok(closed.closed && closed.title === 'Shut' && closed.topMessage === shut);
      assert.equal(general.title, 'General');
      assert.deepEqual(answer.messages.map((m) => m.id).sort((x, y) => x - y), [shut, latest.id, latest.id + 1]);
      assert.ok(answer.chats.some((ch) => ch.id.toString() === forum.id));
      assert.deepEqual(answer.users.map((u) => u.id.toString()).sort(), [alice.id, bob.id, carol.id].sort());
      const state = await b.invoke(new Api.updates.GetChannelDifference({
        channel: channel(forum), filter: new Api.ChannelMessagesFilterEmpty(), pts: 1, limit: 100,
      })) as Api.updates.ChannelDifference;
      assert.equal(answer.pts, state.pts);
      const mine = await topicsById(a, [releases.id]);
      assert.equal((mine.topics[0] as Api.ForumTopic).my, true);
      // The title also travels in the opening message, which getHistory serves as well.
      const openings = await topicOpenings(b);
      assert.deepEqual(openings.map((m) => ((m as Api.MessageService).action as Api.MessageActionTopicCreate).title), ['Shut', 'Gone', 'Releases']);
    });

    it('forum topic errors: CHANNEL_FORUM_MISSING, CHAT_ADMIN_REQUIRED, TOPIC_TITLE_EMPTY, TOPIC_TITLE_TOO_LONG, TOPICS_EMPTY, CHANNEL_PRIVATE, CHANNEL_INVALID', async () => {
      const { client: a } = await login(alice.phone);
      const { client: b } = await login(bob.phone);
      const plain = (c: TelegramClient, where: FakeChannel) =>
        c.invoke(new Api.channels.CreateForumTopic({ channel: channel(where), title: 'x', randomId: bigInt(nextTopicRandomId++) }));
      assert.equal(await rpcError(plain(a, chan)), '400 CHANNEL_FORUM_MISSING');
      assert.equal(await rpcError(plain(b, news)), '400 CHANNEL_FORUM_MISSING');
      assert.equal(await rpcError(topicsById(a, [1], chan)), '400 CHANNEL_FORUM_MISSING');
      assert.equal(await rpcError(openTopic(b, 'not mine to open')), '403 CHAT_ADMIN_REQUIRED');
      assert.equal(await rpcError(openTopic(a, '')), '400 TOPIC_TITLE_EMPTY');
      assert.equal(await rpcError(openTopic(a, '  ')), '400 TOPIC_TITLE_EMPTY');
      assert.equal(await rpcError(openTopic(a, 'x'.repeat(129))), '400 TOPIC_TITLE_TOO_LONG');
      // 128 characters, as Telegram counts them (code points, not UTF-16 units).
      assert.ok(await openTopic(a, '\u{1F680}'.repeat(128)) instanceof Api.Updates);
      assert.equal(await rpcError(topicsById(a, [])), '400 TOPICS_EMPTY');
      const outsider = fake.createChannel({ title: 'Closed forum', megagroup: true, forum: true, members: [], creatorId: carol.id });
      assert.equal(await rpcError(plain(a, outsider)), '400 CHANNEL_PRIVATE');
      assert.equal(await rpcError(topicsById(a, [1], outsider)), '400 CHANNEL_PRIVATE');
      const forged = { ...forum, accessHash: '1' };
      assert.equal(await rpcError(plain(a, forged)), '400 CHANNEL_INVALID');
      assert.equal(await rpcError(topicsById(a, [1], forged)), '400 CHANNEL_INVALID');
      assert.equal((await topicOpenings(a)).length, 1);
    });

    it('createForumTopic with a random_id used before answers RANDOM_ID_DUPLICATE and opens no second topic', async () => {
      const { client: a } = await login(alice.phone);
      const first = await openTopic(a, 'Once', { randomId: bigInt(4711) }) as Api.Updates;
      assert.equal(await rpcError(openTopic(a, 'Once', { randomId: bigInt(4711) })), '500 RANDOM_ID_DUPLICATE');
      await send(a, channel(chan), 'a message', { randomId: bigInt(4712) });
      assert.equal(await rpcError(openTopic(a, 'Twice', { randomId: bigInt(4712) })), '500 RANDOM_ID_DUPLICATE');
      assert.deepEqual((await topicOpenings(a)).map((m) => m.id), [(first.updates[0] as Api.UpdateMessageID).id]);
      const answer = await topicsById(a, [(first.updates[0] as Api.UpdateMessageID).id + 1]);
      assert.equal(answer.count, 0);
    });
  });

  it('checks access (wrong access hashes, non-members, broadcast channels, unknown methods) and serves users, chats and channels', async () => {
    const { client: b } = await login(bob.phone);
    const badUser = new Api.InputPeerUser({ userId: bigInt(alice.id), accessHash: bigInt(1) });
    assert.equal(await rpcError(send(b, badUser, 'x')), '400 PEER_ID_INVALID');
    const badChannel = new Api.InputPeerChannel({ channelId: bigInt(chan.id), accessHash: bigInt(1) });
    assert.equal(await rpcError(send(b, badChannel, 'x')), '400 CHANNEL_INVALID');
    assert.equal(await rpcError(send(b, channel(news), 'x')), '400 CHAT_ADMIN_REQUIRED');
    const other = fake.createChannel({ title: 'Other', megagroup: true, members: [], creatorId: alice.id });
    assert.equal(await rpcError(send(b, channel(other), 'x')), '400 CHANNEL_PRIVATE');
    const otherGroup = fake.createGroup({ title: 'Other', members: [], creatorId: alice.id });
    assert.equal(await rpcError(send(b, chat(otherGroup), 'x')), '403 CHAT_WRITE_FORBIDDEN');
    assert.equal(await rpcError(b.invoke(new Api.messages.GetFullChat({ chatId: bigInt(group.id) }))), '400 METHOD_NOT_SUPPORTED_BY_FAKE');
    const full = await b.invoke(new Api.users.GetFullUser({ id: new Api.InputUser({ userId: bigInt(alice.id), accessHash: bigInt(alice.accessHash) }) }));
    assert.equal(full.fullUser.id.toString(), alice.id);
    assert.equal(full.fullUser.commonChatsCount, 3);
    const channels = await b.invoke(new Api.channels.GetChannels({ id: [new Api.InputChannel({ channelId: bigInt(chan.id), accessHash: bigInt(chan.accessHash) })] }));
    assert.equal((channels.chats[0] as Api.Channel).title, 'Super');
    assert.equal(((await b.invoke(new Api.messages.GetChats({ id: [bigInt(group.id)] }))).chats[0] as Api.Chat).title, 'Group');
    const resolved = await b.invoke(new Api.contacts.ResolveUsername({ username: 'alice' }));
    assert.ok(resolved.peer instanceof Api.PeerUser && resolved.peer.userId.toString() === alice.id);
    assert.equal(fake.messages(news).length + fake.messages(other).length, 0);
  });
  it("pushes every kind of update to the other side and out=true to the sender's other sessions, not to the sending connection", async () => {
    const { client: a } = await login(alice.phone);
    const { client: a2 } = await login(alice.phone);
    const { client: b } = await login(bob.phone);
    const [seenA, seenA2, seenB] = [recordUpdates(a), recordUpdates(a2), recordUpdates(b)];
    const messagesOf = (seen: unknown[]) => seen.filter((u) => !(u instanceof Object && u.constructor.name === 'UpdateConnectionState'));
    const toBob = await send(a, user(bob), 'private') as Api.UpdateShortSentMessage;
    const toGroup = await send(a, chat(group), 'group') as Api.UpdateShortSentMessage;
    const toChan = (await send(a, channel(chan), 'channel') as Api.Updates).updates[0] as Api.UpdateMessageID;
    await waitFor('new messages', () => messagesOf(seenB).length === 3 && messagesOf(seenA2).length === 3);
    const [pm, gm, cm] = messagesOf(seenB);
    assert.ok(pm instanceof Api.UpdateShortMessage && !pm.out && pm.userId.toString() === alice.id && pm.message === 'private');
    assert.ok(gm instanceof Api.UpdateShortChatMessage && gm.fromId.toString() === alice.id && gm.chatId.toString() === group.id);
    assert.ok(cm instanceof Api.UpdateNewChannelMessage && cm.message instanceof Api.Message && cm.message.message === 'channel');
    assert.equal(gm.pts, pm.pts + 1);
    const [pm2, gm2, cm2] = messagesOf(seenA2);
    assert.ok(pm2 instanceof Api.UpdateShortMessage && pm2.out && pm2.userId.toString() === bob.id && pm2.id === toBob.id);
    assert.ok(gm2 instanceof Api.UpdateShortChatMessage && gm2.out);
    assert.ok(cm2 instanceof Api.UpdateNewChannelMessage && (cm2.message as Api.Message).out);
    await a.invoke(new Api.messages.EditMessage({ peer: user(bob), id: toBob.id, message: 'private, edited' }));
    await a.invoke(new Api.messages.EditMessage({ peer: channel(chan), id: toChan.id, message: 'channel, edited' }));
    const deleted = await a.invoke(new Api.messages.DeleteMessages({ id: [toGroup.id], revoke: true }));
    assert.equal(deleted.ptsCount, 1);
    const chanDeleted = await a.invoke(new Api.channels.DeleteMessages({ channel: channel(chan), id: [toChan.id] }));
    assert.equal(chanDeleted.ptsCount, 1);
    await waitFor('edits and deletes', () => messagesOf(seenB).length === 7);
    const [edit, chanEdit, del, chanDel] = messagesOf(seenB).slice(3);
    assert.ok(edit instanceof Api.UpdateEditMessage && (edit.message as Api.Message).id === pm.id && (edit.message as Api.Message).message === 'private, edited');
    assert.ok(chanEdit instanceof Api.UpdateEditChannelMessage && (chanEdit.message as Api.Message).message === 'channel, edited');
    assert.ok(del instanceof Api.UpdateDeleteMessages && del.messages[0] === gm.id);
    assert.ok(chanDel instanceof Api.UpdateDeleteChannelMessages && chanDel.messages[0] === toChan.id && chanDel.channelId.toString() === chan.id);
    assert.equal((await b.invoke(new Api.updates.GetState())).pts, del.pts);
    assert.equal(messagesOf(seenA).length, 0);
    fake.sendAsUser(bob.id, group, { text: 'from a phone', replyToMsgId: gm.id });
    await waitFor('human post', () => messagesOf(seenA).length === 1 && messagesOf(seenB).length === 8);
    assert.ok(messagesOf(seenB)[7] instanceof Api.UpdateShortChatMessage && (messagesOf(seenB)[7] as Api.UpdateShortChatMessage).out);
  });

  it('pushes updates{updateNewMessage} with users and chats when short updates are off', async () => {
    await fake.close();
    await world({ shortUpdates: false });
    const { client: b } = await login(bob.phone);
    const seen = recordUpdates(b);
    fake.sendAsUser(alice.id, group, { text: 'long form' });
    await waitFor('update', () => seen.some((u) => u instanceof Api.UpdateNewMessage));
    const update = seen.find((u) => u instanceof Api.UpdateNewMessage) as Api.UpdateNewMessage;
    assert.ok(update.message instanceof Api.Message && update.message.peerId instanceof Api.PeerChat);
    assert.equal(update.message.fromId instanceof Api.PeerUser && update.message.fromId.userId.toString(), alice.id);
  });

  it('edit and delete errors: MESSAGE_NOT_MODIFIED, MESSAGE_ID_INVALID, MESSAGE_AUTHOR_REQUIRED, MESSAGE_DELETE_FORBIDDEN', async () => {
    const { client: a } = await login(alice.phone);
    const { client: b } = await login(bob.phone);
    const sent = await send(a, chat(group), 'text') as Api.UpdateShortSentMessage;
    const edit = (c: TelegramClient, peer: Api.TypeInputPeer, id: number, message: string) =>
      c.invoke(new Api.messages.EditMessage({ peer, id, message }));
    assert.equal(await rpcError(edit(a, chat(group), sent.id, 'text')), '400 MESSAGE_NOT_MODIFIED');
    assert.equal(await rpcError(edit(a, chat(group), 999, 'x')), '400 MESSAGE_ID_INVALID');
    const bobsId = fake.messages(group)[0]!.ids[bob.id]!;
    assert.equal(await rpcError(edit(b, chat(group), bobsId, 'x')), '403 MESSAGE_AUTHOR_REQUIRED');
    const inChan = (await send(a, channel(chan), 'mine') as Api.Updates).updates[0] as Api.UpdateMessageID;
    assert.equal(await rpcError(b.invoke(new Api.channels.DeleteMessages({ channel: channel(chan), id: [inChan.id] }))), '403 MESSAGE_DELETE_FORBIDDEN');
    // Without revoke a message leaves only the caller's box.
    await b.invoke(new Api.messages.DeleteMessages({ id: [bobsId] }));
    assert.deepEqual([...fake.messages(group)[0]!.holders], [alice.id, carol.id]);
  });

  it('getDifference after being offline returns what was missed, as it is now', async () => {
    const { client: b, saved } = await login(bob.phone);
    const state = await b.invoke(new Api.updates.GetState());
    await b.destroy();
    const one = fake.sendAsUser(alice.id, bob, { text: 'one' });
    const two = fake.sendAsUser(alice.id, bob, { text: 'two' });
    fake.sendAsUser(alice.id, group, { text: 'three' });
    fake.editAsUser(alice.id, bob, one.id, { text: 'one, edited' });
    fake.deleteAsUser(alice.id, bob, [two.id]);
    const back = await client(saved);
    const diff = await back.invoke(new Api.updates.GetDifference({ pts: state.pts, date: state.date, qts: 0 }));
    assert.ok(diff instanceof Api.updates.Difference);
    assert.deepEqual(diff.newMessages.map((m) => (m as Api.Message).message), ['one, edited', 'three']);
    assert.ok(diff.otherUpdates[0] instanceof Api.UpdateEditMessage);
    assert.ok(diff.otherUpdates[1] instanceof Api.UpdateDeleteMessages && diff.otherUpdates[1].messages[0] === two.ids[bob.id]);
    assert.ok(diff.users.some((u) => u.id.toString() === alice.id));
    assert.ok(diff.chats.some((c) => c.id.toString() === group.id));
    assert.equal(diff.state.pts, (await back.invoke(new Api.updates.GetState())).pts);
    const again = await back.invoke(new Api.updates.GetDifference({ pts: diff.state.pts, date: diff.state.date, qts: 0 }));
    assert.ok(again instanceof Api.updates.DifferenceEmpty);
  });

  it('getDifference pages with differenceSlice and answers differenceTooLong', async () => {
    await fake.close();
    await world({ differenceLimit: 2, maxUpdatesKept: 8 });
    const { client: b } = await login(bob.phone);
    const { pts, date } = await b.invoke(new Api.updates.GetState());
    for (const text of ['1', '2', '3']) fake.sendAsUser(alice.id, bob, { text });
    const first = await b.invoke(new Api.updates.GetDifference({ pts, date, qts: 0 }));
    assert.ok(first instanceof Api.updates.DifferenceSlice && first.newMessages.length === 2 && first.intermediateState.pts === pts + 2);
    const rest = await b.invoke(new Api.updates.GetDifference({ pts: first.intermediateState.pts, date, qts: 0 }));
    assert.ok(rest instanceof Api.updates.Difference && rest.newMessages.length === 1);
    assert.ok(await b.invoke(new Api.updates.GetDifference({ pts, date, qts: 0, ptsTotalLimit: 1 })) instanceof Api.updates.DifferenceTooLong);
    for (let i = 0; i < 10; i += 1) fake.sendAsUser(alice.id, bob, { text: `more ${i}` });
    assert.ok(await b.invoke(new Api.updates.GetDifference({ pts, date, qts: 0 })) instanceof Api.updates.DifferenceTooLong);
  });

  it('getChannelDifference: empty, a difference in pages, too long', async () => {
    await fake.close();
    await world({ maxUpdatesKept: 4 });
    const { client: b } = await login(bob.phone);
    const input = new Api.InputChannel({ channelId: bigInt(chan.id), accessHash: bigInt(chan.accessHash) });
    const diff = (pts: number, limit = 100) => b.invoke(new Api.updates.GetChannelDifference({ channel: input, filter: new Api.ChannelMessagesFilterEmpty(), pts, limit }));
    const created = await diff(1);
    assert.ok(created instanceof Api.updates.ChannelDifference && created.newMessages[0] instanceof Api.MessageService);
    const start = await diff(2);
    assert.ok(start instanceof Api.updates.ChannelDifferenceEmpty && start.pts === 2);
    const a1 = fake.sendAsUser(alice.id, chan, { text: 'a' });
    const a2 = fake.sendAsUser(alice.id, chan, { text: 'b' });
    fake.editAsUser(alice.id, chan, a1.id, { text: 'a, edited' });
    fake.deleteAsUser(alice.id, chan, [a2.id]);
    const all = await diff(2);
    assert.ok(all instanceof Api.updates.ChannelDifference && all.final && all.pts === 6);
    assert.deepEqual(all.newMessages.map((m) => (m as Api.Message).message), ['a, edited']);
    assert.ok(all.otherUpdates[0] instanceof Api.UpdateEditChannelMessage && all.otherUpdates[1] instanceof Api.UpdateDeleteChannelMessages);
    const page = await diff(2, 1);
    assert.ok(page instanceof Api.updates.ChannelDifference && !page.final && page.pts === 3);
    assert.equal(await rpcError(diff(99)), '400 PERSISTENT_TIMESTAMP_INVALID');
    for (let i = 0; i < 5; i += 1) fake.sendAsUser(alice.id, chan, { text: `more ${i}` });
    const tooLong = await diff(2);
    assert.ok(tooLong instanceof Api.updates.ChannelDifferenceTooLong && tooLong.dialog instanceof Api.Dialog);
    assert.equal(tooLong.dialog.pts, 11);
    assert.equal((tooLong.messages[0] as Api.Message).message, 'more 4');
  });

  it('forgetUpdates: differences from before answer too long (common box and channel), later ones as usual', async () => {
    const { client: b } = await login(bob.phone);
    const before = await b.invoke(new Api.updates.GetState());
    const input = new Api.InputChannel({ channelId: bigInt(chan.id), accessHash: bigInt(chan.accessHash) });
    const channelDiff = (pts: number) => b.invoke(new Api.updates.GetChannelDifference({ channel: input, filter: new Api.ChannelMessagesFilterEmpty(), pts, limit: 100 }));
    const start = await channelDiff(1);
    assert.ok(start instanceof Api.updates.ChannelDifference);
    fake.sendAsUser(alice.id, bob, { text: 'missed' });
    const posted = fake.sendAsUser(alice.id, chan, { text: 'missed too' });
    fake.forgetUpdates(bob);
    fake.forgetUpdates(chan);
    const tooLong = await b.invoke(new Api.updates.GetDifference({ pts: before.pts, date: before.date, qts: 0 }));
    assert.ok(tooLong instanceof Api.updates.DifferenceTooLong);
    assert.equal(tooLong.pts, (await b.invoke(new Api.updates.GetState())).pts);
    const channelTooLong = await channelDiff(start.pts);
    assert.ok(channelTooLong instanceof Api.updates.ChannelDifferenceTooLong && channelTooLong.dialog instanceof Api.Dialog);
    assert.equal((channelTooLong.messages[0] as Api.Message).id, posted.id, 'the latest messages, to read the rest from the history');
    fake.sendAsUser(alice.id, bob, { text: 'after' });
    fake.editAsUser(alice.id, chan, posted.id, { text: 'edited after' });
    const later = await b.invoke(new Api.updates.GetDifference({ pts: tooLong.pts, date: before.date, qts: 0 }));
    assert.ok(later instanceof Api.updates.Difference);
    assert.deepEqual(later.newMessages.map((m) => (m as Api.Message).message), ['after']);
    const channelLater = await channelDiff(channelTooLong.dialog.pts!);
    assert.ok(channelLater instanceof Api.updates.ChannelDifference && channelLater.otherUpdates[0] instanceof Api.UpdateEditChannelMessage);
  });

  it('getHistory pages by offset_id, min_id and limit; getDialogs lists the chats', async () => {
    const { client: a } = await login(alice.phone);
    for (let i = 1; i <= 5; i += 1) fake.sendAsUser(bob.id, group, { text: `m${i}` });
    const history = (extra: Partial<ConstructorParameters<typeof Api.messages.GetHistory>[0]>) => a.invoke(new Api.messages.GetHistory({
      peer: chat(group), offsetId: 0, offsetDate: 0, addOffset: 0, limit: 2, maxId: 0, minId: 0, hash: bigInt(0), ...extra,
    }));
    const ids = (r: Api.messages.TypeMessages) => ('messages' in r ? r.messages.map((m) => m.id) : []);
    const newest = await history({});
    // Id 1 in every member's box is the group's opening service message.
    assert.ok(newest instanceof Api.messages.MessagesSlice && newest.count === 6);
    assert.deepEqual(ids(newest), [6, 5]);
    assert.deepEqual(ids(await history({ offsetId: 5 })), [4, 3]);
    assert.deepEqual(ids(await history({ limit: 10, minId: 3 })), [6, 5, 4]);
    assert.deepEqual(ids(await history({ offsetId: 3, addOffset: -2 })), [4, 3]);
    const all = await history({ limit: 100 });
    assert.ok('messages' in all && all.messages.at(-1) instanceof Api.MessageService);
    const viaGramjs = await a.getMessages(new Api.InputPeerChat({ chatId: bigInt(group.id) }), { limit: 3 });
    assert.deepEqual(Array.from(viaGramjs, (m) => m.message), ['m5', 'm4', 'm3']);
    fake.sendAsUser(alice.id, chan, { text: 'in channel' });
    const inChannel = await history({ peer: channel(chan) });
    assert.ok(inChannel instanceof Api.messages.ChannelMessages && inChannel.pts === 3);
    const dialogs = await a.invoke(new Api.messages.GetDialogs({ offsetDate: 0, offsetId: 0, offsetPeer: new Api.InputPeerEmpty(), limit: 100, hash: bigInt(0) }));
    assert.ok(dialogs instanceof Api.messages.Dialogs);
    assert.deepEqual(dialogs.dialogs.map((d) => d.peer.className), ['PeerChannel', 'PeerChat', 'PeerChannel']);
    assert.equal((await a.getDialogs({})).length, 3);
  });

  it('FLOOD_WAIT surfaces as FloodWaitError with its seconds; failNext answers any error, N times, per user', async () => {
    const { client: a } = await login(alice.phone);
    const { client: b } = await login(bob.phone);
    fake.floodWait('messages.sendMessage', 42);
    await assert.rejects(send(a, chat(group), 'x'), (e: unknown) => e instanceof FloodWaitError && e.seconds === 42);
    await send(a, chat(group), 'x');
    fake.failNext('auth.sendCode', { error: 'PHONE_NUMBER_BANNED', times: 2 });
    const sendCode = () => a.invoke(new Api.auth.SendCode({ phoneNumber: carol.phone, apiId: API_ID, apiHash: API_HASH, settings: new Api.CodeSettings({}) }));
    assert.equal(await rpcError(sendCode()), '400 PHONE_NUMBER_BANNED');
    assert.equal(await rpcError(sendCode()), '400 PHONE_NUMBER_BANNED');
    await sendCode();
    fake.floodWait('users.GetUsers', 5, { userId: bob.id });
    await a.getMe();
    await assert.rejects(b.getMe(), (e: unknown) => e instanceof FloodWaitError && e.seconds === 5);
  });

  it('revoked authorizations: AUTH_KEY_UNREGISTERED (log in again), logOut, SESSION_REVOKED, USER_DEACTIVATED_BAN', async () => {
    const { client: a } = await login(alice.phone);
    fake.revoke(alice.id, 'AUTH_KEY_UNREGISTERED');
    assert.equal(await rpcError(a.getMe()), '401 AUTH_KEY_UNREGISTERED');
    await logIn(fake, a, alice.phone);
    assert.equal((await a.getMe()).id.toString(), alice.id);
    await a.invoke(new Api.auth.LogOut());
    assert.equal(await rpcError(a.getMe()), '401 AUTH_KEY_UNREGISTERED');
    await logIn(fake, a, alice.phone);
    const { client: b } = await login(bob.phone);
    fake.revoke(bob.id, 'SESSION_REVOKED');
    assert.equal(await rpcError(b.invoke(new Api.updates.GetState())), '401 SESSION_REVOKED');
    assert.equal(await rpcError(send(b, chat(group), 'x')), '401 SESSION_REVOKED');
    fake.revoke(alice.id, 'USER_DEACTIVATED_BAN');
    assert.equal(await rpcError(a.getMe()), '401 USER_DEACTIVATED_BAN');
    assert.equal(await rpcError(a.invoke(new Api.auth.SendCode({ phoneNumber: alice.phone, apiId: API_ID, apiHash: API_HASH, settings: new Api.CodeSettings({}) }))), '400 PHONE_NUMBER_BANNED');
  });

  it('detects AUTH_KEY_DUPLICATED for two clients on one session, not for a stop and start', async () => {
    const { client: first, saved } = await login(alice.phone);
    await first.destroy();
    const second = await client(saved);
    await second.getMe();
    assert.equal(fake.stats().duplicateKeyViolations, 0);
    const third = await newClient(fake, { session: saved, connect: false });
    clients.push(third);
    assert.equal(await rpcError(third.connect()), '406 AUTH_KEY_DUPLICATED');
    assert.equal(fake.stats().duplicateKeyViolations, 1);
    assert.equal(fake.stats().liveKeys, 0);
  });

  it('only counts duplicate keys when enforceSingleConnection is off', async () => {
    await fake.close();
    await world({ enforceSingleConnection: false });
    const { saved } = await login(alice.phone);
    const twin = await client(saved);
    assert.equal((await twin.getMe()).id.toString(), alice.id);
    assert.equal(fake.stats().duplicateKeyViolations, 1);
    assert.equal(fake.stats().connectionsByUser[alice.id], 2);
  });

  it('a dropped connection: gramjs reconnects by itself, with the same key, and updates flow again', async () => {
    const { client: a } = await login(alice.phone);
    const seen = recordUpdates(a);
    const before = fake.stats().calls['users.getUsers'] ?? 0;
    assert.equal(fake.dropConnections(alice.id), 1);
    await waitFor('reconnect', () => (fake.stats().calls['users.getUsers'] ?? 0) > before);
    fake.sendAsUser(bob.id, alice, { text: 'after the drop' });
    await waitFor('update', () => seen.some((u) => u instanceof Api.UpdateShortMessage && u.message === 'after the drop'));
    assert.equal(fake.stats().handshakes, 1);
  });

  it('a zombie connection answers nothing, not even pings; what happened meanwhile is fetchable by getDifference', async () => {
    const { client: a } = await login(alice.phone);
    const seen = recordUpdates(a);
    const state = await a.invoke(new Api.updates.GetState());
    assert.equal(fake.zombie(alice.id, true), 1);
    const ping = a.invoke(new Api.Ping({ pingId: bigInt(1) }));
    ping.catch(() => {});
    assert.equal(await Promise.race([ping.then(() => 'pong'), sleep(1500).then(() => 'silence')]), 'silence');
    fake.sendAsUser(bob.id, alice, { text: 'while a zombie' });
    await sleep(200);
    assert.ok(!seen.some((u) => u instanceof Api.UpdateShortMessage));
    fake.zombie(alice.id, false);
    assert.ok(await a.invoke(new Api.Ping({ pingId: bigInt(2) })) instanceof Api.Pong);
    const diff = await a.invoke(new Api.updates.GetDifference({ pts: state.pts, date: state.date, qts: 0 }));
    assert.ok(diff instanceof Api.updates.Difference);
    assert.deepEqual(diff.newMessages.map((m) => (m as Api.Message).message), ['while a zombie']);
  });
});
