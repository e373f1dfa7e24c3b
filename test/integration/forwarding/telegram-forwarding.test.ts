/**
 * Telegram ↔ Discord through the real supervisor: gramjs sessions (resumed
 * from sealed session strings, no new handshake) and discord.js bots in the
 * worker threads, against the MTProto and Discord fakes. A message, its edit
 * and its delete go each way; a flood wait holds the Telegram account back
 * without losing anything; a session Telegram ends is marked revoked, its
 * owner mailed, and it is never started again.
 */
import assert from 'node:assert/strict';
import { Api } from 'telegram';
import type { FakeChannel, FakeGroup, FakeUser, TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

describe('forwarding between Telegram and Discord through the supervisor (real gramjs and discord.js, both fakes)', function () {
  this.timeout(90_000);
  let world: ForwardingWorld;
  let tg: TelegramFake;
  let owner: string;
  let alice: FakeUser;
  let bob: FakeUser;
  let tgAccount: { accountId: string };
  let bot: Awaited<ReturnType<ForwardingWorld['bot']>>;
  let tgSource: FakeChannel;
  let tgDestination: FakeGroup;
  const dc = { src: '', dst: '' };
  let handshakesBefore = 0;

  /** What the linked Telegram account posted in the destination group. */
  const tgPosted = () => tg.messages(tgDestination).filter((m) => m.fromId === alice.id && !m.deleted);
  /** What the bot posted in the Discord destination. */
  const dcPosted = () => world.fake.messages(dc.dst).filter((m) => m.authorId === bot.botId);

  before(async () => {
    world = await ForwardingWorld.create('fwd_tg', { telegram: true });
    tg = world.tg!;
    owner = await world.user('elite');
    // alice is the owner's Telegram account; bob is a human in the chats it reads and writes.
    alice = tg.createUser({ phone: '+15550001001', firstName: 'Alice' });
    bob = tg.createUser({ phone: '+15550001002', firstName: 'Bob' });
    tgSource = tg.createChannel({ title: 'source', megagroup: true, members: [alice.id, bob.id], creatorId: bob.id });
    tgDestination = tg.createGroup({ title: 'destination', members: [alice.id, bob.id], creatorId: bob.id });
    tgAccount = await world.telegramAccount(owner, alice);
    bot = await world.bot(owner, 'relay');
    dc.src = world.channel('from-discord');
    dc.dst = world.channel('from-telegram');
    await world.pair({
      userId: owner,
      source: { platform: 'telegram', accountId: tgAccount.accountId, chatId: tg.markedId(tgSource) },
      destination: { platform: 'discord', accountId: bot.accountId, chatId: dc.dst },
    });
    await world.pair({
      userId: owner,
      source: { platform: 'discord', accountId: bot.accountId, chatId: dc.src },
      destination: { platform: 'telegram', accountId: tgAccount.accountId, chatId: tg.markedId(tgDestination) },
    });
    handshakesBefore = tg.stats().handshakes;
    await world.start();
    await world.running(2);
  });

  after(async () => {
    await world?.close();
  });

  it('resumes the Telegram session from its sealed session string, with no new handshake', () => {
    assert.equal(tg.stats().handshakes, handshakesBefore);
    assert.equal(tg.stats().connectionsByUser[alice.id], 1);
  });

  it('forwards Telegram → Discord: a message with its formatting, then its edit and its delete', async () => {
    const text = 'hello from telegram';
    const sent = tg.sendAsUser(bob.id, tgSource, {
      text, entities: [new Api.MessageEntityBold({ offset: 6, length: 4 })],
    });
    await waitFor('the copy on Discord', () => dcPosted().length === 1, 20_000);
    const copy = dcPosted()[0]!;
    assert.match(copy.content, /hello \*\*from\*\* telegram/);
    assert.match(copy.content, /Bob/, 'the copy names the author');

    tg.editAsUser(bob.id, tgSource, sent.id, { text: 'hello from telegram, edited' });
    await waitFor('the edit on Discord', () => /edited/.test(world.fake.messages(dc.dst).find((m) => m.id === copy.id)?.content ?? ''), 20_000);

    tg.deleteAsUser(bob.id, tgSource, [sent.id]);
    await waitFor('the delete on Discord', () => dcPosted().length === 0, 20_000);
  });

  it('forwards Discord → Telegram: a message with its formatting, then its edit and its delete', async () => {
    const source = world.fake.postAsUser(dc.src, { content: 'hello from **discord**' });
    await waitFor('the copy on Telegram', () => tgPosted().length === 1, 20_000);
    const copy = tgPosted()[0]!;
    assert.match(copy.text, /hello from discord/);
    assert.ok(copy.entities.some((e) => e.className === 'MessageEntityBold'), 'bold survives the trip');

    world.fake.editAsUser(dc.src, source.id, 'hello from **discord**, edited');
    await waitFor('the edit on Telegram', () => /edited/.test(tgPosted()[0]?.text ?? ''), 20_000);

    world.fake.deleteAsUser(dc.src, source.id);
    await waitFor('the delete on Telegram', () => tgPosted().length === 0, 20_000);
  });

  it('a FLOOD_WAIT holds the Telegram account back for its seconds, then delivers once, in order', async () => {
    tg.floodWait('messages.sendMessage', 2, { userId: alice.id });
    const started = Date.now();
    for (const n of [1, 2, 3]) world.fake.postAsUser(dc.src, { content: `flood ${n}` });
    await waitFor('all three on Telegram', () => tgPosted().filter((m) => m.text.includes('flood')).length === 3, 30_000);
    assert.ok(Date.now() - started >= 2_000, 'nothing went out before the wait ended');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(tgPosted().filter((m) => m.text.includes('flood')).map((m) => /flood (\d)/.exec(m.text)?.[1]), ['1', '2', '3']);
  });

  it('a session Telegram ends is marked revoked, its owner mailed once, and it is not started again', async () => {
    // Telegram ends the session and drops its connection; the reconnect's first request meets the refusal.
    tg.dropConnections(alice.id);
    tg.revoke(alice.id, 'SESSION_REVOKED');
    const accounts = world.sql.table('telegram_accounts');
    await waitFor('the row says revoked', async () => {
      const [row] = await world.sql.all<{ status: string }>(`select status from ${accounts} where id = ?`, [tgAccount.accountId]);
      return row?.status === 'revoked';
    }, 30_000);
    assert.equal(world.runtime!.supervisor.sessions.get(tgAccount.accountId)?.state, 'revoked');
    await waitFor('the owner is mailed', () => world.mailsTo(owner).length === 1);
    assert.match(world.mailsTo(owner)[0]!.subject, /Telegram account \+15550001001/);
    await world.runtime!.sync!.reconcile();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(world.runtime!.supervisor.sessions.get(tgAccount.accountId)?.state, 'revoked', 'a reconcile does not start it again');
    assert.equal(tg.stats().connectionsByUser[alice.id] ?? 0, 0);
    assert.equal(world.mailsTo(owner).length, 1);
  });
});
