/**
 * Telegram ↔ Discord through the real supervisor: gramjs sessions (resumed
 * from sealed session strings, no new handshake) and discord.js bots in the
 * worker threads, against the MTProto and Discord fakes. A message, its edit
 * and its delete go each way; Telegram files arrive on Discord as files
 * (read from the source session through the supervisor's file relay), an
 * album as one Discord message; a flood wait holds the Telegram account back
 * without losing anything; a Discord message's files arrive as a photo with
 * its caption, or as one album, and one over the upload limit as a link
 * line; a session Telegram ends is marked revoked, its owner mailed, and it
 * is never started again.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
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
    world = await ForwardingWorld.create('fwd_tg', { telegram: true, telegramRuntime: { uploadLimitBytes: 3 * 1024 * 1024 } });
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

  it('forwards Telegram → Discord a photo as a file under its caption, read from the source session through the file relay', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(2_045)]);
    const photo = tg.storeMedia({ kind: 'photo', data: bytes });
    const sent = tg.sendAsUser(bob.id, tgSource, { text: 'a view', media: photo });
    await waitFor('the copy on Discord', () => dcPosted().length === 1, 20_000);
    const copy = dcPosted()[0]!;
    assert.match(copy.content, /a view$/);
    assert.equal(copy.content.includes('📎'), false, 'no line naming the file: the file itself came');
    assert.deepEqual(copy.attachments.map((a) => [a.filename, a.content.equals(bytes)]), [[`photo_${photo.id}.jpg`, true]]);
    tg.deleteAsUser(bob.id, tgSource, [sent.id]);
    await waitFor('the delete on Discord', () => dcPosted().length === 0, 20_000);
  });

  it('forwards a Telegram album as ONE Discord message with its three files in order under the caption; a delete of any part deletes it', async () => {
    const jpeg = (size: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(size - 3)]);
    const data = [1_024, 2_048, 3_072].map(jpeg);
    const photos = data.map((d) => tg.storeMedia({ kind: 'photo', data: d }));
    const parts = tg.sendAlbumAsUser(bob.id, tgSource, [{ text: 'three views', media: photos[0]! }, { media: photos[1]! }, { media: photos[2]! }]);
    await waitFor('the album on Discord', () => dcPosted().length > 0, 20_000);
    assert.equal(dcPosted().length, 1, 'one message, not one per part');
    assert.match(dcPosted()[0]!.content, /three views/);
    assert.deepEqual(dcPosted()[0]!.attachments.map((a) => a.content.length), [1_024, 2_048, 3_072]);
    assert.ok(dcPosted()[0]!.attachments.every((a, i) => a.content.equals(data[i]!)));
    // Every part is linked to the one copy (written just after the post the fake already shows).
    const readLinks = () => world.sql.all<{ source_message_id: string; destination_message_ids: string[] }>(
      `select source_message_id, destination_message_ids from ${world.sql.table('message_links')} where source_chat_id = ? and source_message_id in (?, ?, ?)`,
      [tg.markedId(tgSource), ...parts.map((p) => String(p.id))]);
    await waitFor('the links', async () => (await readLinks()).length === 3, 10_000);
    const links = await readLinks();
    assert.deepEqual(new Set(links.map((l) => l.destination_message_ids.join())), new Set([dcPosted()[0]!.id]));

    tg.deleteAsUser(bob.id, tgSource, [parts[1]!.id]);
    await waitFor('the delete on Discord', () => dcPosted().length === 0, 20_000);
  });

  it('streams a Telegram document of several pieces onto Discord whole, renewing a reference that expired; one over Discord\'s limit is a line, never read', async () => {
    const big = randomBytes(2 * 512 * 1024 + 77);
    const doc = tg.storeMedia({ kind: 'document', data: big, mimeType: 'application/pdf', fileName: 'report.pdf' });
    const huge = tg.storeMedia({ kind: 'document', data: Buffer.alloc(10 * 1024 * 1024 + 1), mimeType: 'video/mp4', fileName: 'film.mp4' });
    const reads = () => tg.stats().calls['upload.getFile'] ?? 0;
    const readsBefore = reads();
    const first = tg.sendAsUser(bob.id, tgSource, { text: 'the report', media: doc });
    // The reference the update carried (built as the message was sent) is stale by the time the relay reads the file.
    tg.expireFileReference(doc);
    await waitFor('the document on Discord', () => dcPosted().length === 1, 20_000);
    const copy = dcPosted()[0]!;
    assert.equal(copy.attachments.length, 1);
    assert.equal(copy.attachments[0]!.filename, 'report.pdf');
    assert.ok(copy.attachments[0]!.content.equals(big), 'byte for byte');
    // Three pieces, plus the one refused with the old reference.
    assert.equal(reads() - readsBefore, 4);

    const second = tg.sendAsUser(bob.id, tgSource, { text: 'the film', media: huge });
    await waitFor('the film on Discord', () => dcPosted().length === 2, 20_000);
    // Named, not linked: the relay link is for this supervisor's workers, never for users.
    assert.match(dcPosted()[1]!.content, /the film\n📎 film\.mp4 \\\(10\.0 MiB, over the 10\.0 MiB upload limit\)$/);
    assert.equal(dcPosted()[1]!.attachments.length, 0);
    assert.equal(reads() - readsBefore, 4, 'a file over the destination\'s limit is never downloaded');
    tg.deleteAsUser(bob.id, tgSource, [first.id, second.id]);
    await waitFor('the deletes on Discord', () => dcPosted().length === 0, 20_000);
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

  it('forwards Discord → Telegram files: one image as a photo with its caption, three as one album in order, one over the limit as a link', async () => {
    const png = (size: number, seed: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(size - 8, seed)]);
    const image = png(600 * 1024, 1);
    world.fake.postAsUser(dc.src, { content: 'a **cat**', attachments: [{ name: 'cat.png', content: image, contentType: 'image/png' }] });
    await waitFor('the photo on Telegram', () => tgPosted().some((m) => m.media !== null), 20_000);
    const photo = tgPosted().find((m) => m.media !== null)!;
    assert.equal(photo.media!.kind, 'photo');
    assert.ok(photo.media!.data.equals(image));
    assert.match(photo.text, /forwarded:\na cat$/);
    assert.ok(photo.entities.some((e) => e.className === 'MessageEntityBold'));

    const before = tgPosted().length;
    world.fake.postAsUser(dc.src, { content: 'album', attachments: [
      { name: '1.png', content: png(1_000, 1), contentType: 'image/png' },
      { name: '2.mp4', content: Buffer.alloc(2_000, 2), contentType: 'video/mp4' },
      { name: '3.png', content: png(3_000, 3), contentType: 'image/png' },
    ] });
    await waitFor('the album on Telegram', () => tgPosted().length === before + 3, 20_000);
    const album = tgPosted().slice(before);
    assert.equal(new Set(album.map((m) => m.groupedId)).size, 1);
    assert.notEqual(album[0]!.groupedId, null);
    assert.deepEqual(album.map((m) => m.media!.data.length), [1_000, 2_000, 3_000]);
    assert.match(album[0]!.text, /album$/);

    world.fake.postAsUser(dc.src, { content: 'too big', attachments: [{ name: 'huge.bin', content: Buffer.alloc(4 * 1024 * 1024), contentType: 'application/octet-stream' }] });
    await waitFor('the link line on Telegram', () => tgPosted().some((m) => m.text.includes('huge.bin')), 20_000);
    const line = tgPosted().find((m) => m.text.includes('huge.bin'))!;
    assert.equal(line.media, null);
    assert.match(line.text, /📎 huge\.bin \(4\.0 MiB, over the 3\.0 MiB upload limit\)/);
    assert.ok(line.entities.some((e) => e instanceof Api.MessageEntityTextUrl && /huge\.bin/.test(e.url)));
    for (const m of tgPosted()) tg.deleteAsUser(alice.id, tgDestination, [m.ids[alice.id]!]);
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
