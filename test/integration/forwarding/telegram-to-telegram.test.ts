/**
 * Telegram → Telegram through the real supervisor (gramjs in the worker
 * threads, the MTProto fake): without copy mode a message is forwarded with
 * its "forwarded from" header; in copy mode (here sent by a second account,
 * which finds the source among its own dialogs) without it, entities kept;
 * from a channel that protects its content it is copied, and the pair's row
 * carries the `forwards_restricted` notice. An edit reaches the copy-mode
 * copy; a forward, which Telegram does not let anyone edit, stays as it was
 * and its pair says so (`forward_not_editable`). A photo, with a caption or
 * without, arrives in copy mode as the same photo without the header. An
 * album, whose parts arrive as separate updates, goes as one album: both
 * forwards in one messages.forwardMessages call each (one grouped_id in the
 * destination), a copy it cannot forward in one sendMultiMedia of the same
 * files by reference; deleting the album deletes the copies.
 */
import assert from 'node:assert/strict';
import { Api } from 'telegram';
import type { FakeChannel, FakeGroup, FakeUser, TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

describe('forwarding Telegram → Telegram through the supervisor (real gramjs, MTProto fake)', function () {
  this.timeout(90_000);
  let world: ForwardingWorld;
  let tg: TelegramFake;
  let alice: FakeUser;
  let carol: FakeUser;
  let bob: FakeUser;
  let source: FakeChannel;
  let locked: FakeChannel;
  let group: FakeGroup;
  const to: Record<'forward' | 'copy' | 'locked' | 'fresh', FakeGroup | null> = { forward: null, copy: null, locked: null, fresh: null };
  let lockedPair = '';
  let forwardPair = '';

  const postedIn = (group: FakeGroup, by: FakeUser) => tg.messages(group).filter((m) => m.fromId === by.id);

  before(async () => {
    world = await ForwardingWorld.create('fwd_tg2tg', { telegram: true });
    tg = world.tg!;
    const owner = await world.user('elite');
    // alice and carol are the owner's Telegram accounts; bob is a human writing in the source chats.
    alice = tg.createUser({ phone: '+15550002001', firstName: 'Alice' });
    carol = tg.createUser({ phone: '+15550002002', firstName: 'Carol' });
    bob = tg.createUser({ phone: '+15550002003', firstName: 'Bob' });
    source = tg.createChannel({ title: 'source', megagroup: true, members: [alice.id, carol.id, bob.id], creatorId: bob.id });
    locked = tg.createChannel({ title: 'locked', megagroup: true, members: [alice.id, bob.id], creatorId: bob.id, noforwards: true });
    to.forward = tg.createGroup({ title: 'forwards', members: [alice.id], creatorId: bob.id });
    to.copy = tg.createGroup({ title: 'copies', members: [carol.id], creatorId: bob.id });
    to.locked = tg.createGroup({ title: 'from locked', members: [alice.id], creatorId: bob.id });
    // A basic group numbers messages per account: read by alice, posted by carol, its messages are copied, not forwarded.
    group = tg.createGroup({ title: 'basic source', members: [alice.id, carol.id, bob.id], creatorId: bob.id });
    to.fresh = tg.createGroup({ title: 'fresh copies', members: [carol.id], creatorId: bob.id });
    const a = await world.telegramAccount(owner, alice);
    const c = await world.telegramAccount(owner, carol);
    const end = (accountId: string, chatId: string) => ({ platform: 'telegram' as const, accountId, chatId });
    forwardPair = await world.pair({ userId: owner, source: end(a.accountId, tg.markedId(source)), destination: end(a.accountId, tg.markedId(to.forward)) });
    await world.pair({ userId: owner, source: end(a.accountId, tg.markedId(source)), destination: end(c.accountId, tg.markedId(to.copy)), copyMode: true });
    await world.pair({ userId: owner, source: end(a.accountId, tg.markedId(group)), destination: end(c.accountId, tg.markedId(to.fresh)), copyMode: true });
    lockedPair = await world.pair({ userId: owner, source: end(a.accountId, tg.markedId(locked)), destination: end(a.accountId, tg.markedId(to.locked)) });
    await world.start();
    await world.running(2);
  });

  after(async () => {
    await world?.close();
  });

  it('forwards with the header without copy mode, and without it (entities kept) in copy mode', async () => {
    const original = tg.sendAsUser(bob.id, source, { text: 'big news today', entities: [new Api.MessageEntityBold({ offset: 4, length: 4 })] });
    await waitFor('both deliveries', () => postedIn(to.forward!, alice).length === 1 && postedIn(to.copy!, carol).length === 1, 30_000);
    const [forwarded] = postedIn(to.forward!, alice);
    assert.deepEqual(forwarded!.forwardedFrom, { fromId: bob.id, date: original.date, channelPost: null });
    assert.equal(forwarded!.text, 'big news today');
    const [copied] = postedIn(to.copy!, carol);
    assert.equal(copied!.forwardedFrom, null);
    assert.equal(copied!.text, 'big news today');
    assert.ok(copied!.entities[0] instanceof Api.MessageEntityBold && copied!.entities[0].offset === 4);

    // Telegram lets nobody edit a forward: that copy stays and its pair says why; the copy-mode copy is edited.
    tg.editAsUser(bob.id, source, original.id, { text: 'big news today, corrected' });
    await waitFor('the copy edited', () => postedIn(to.copy!, carol)[0]?.text === 'big news today, corrected', 30_000);
    await waitFor('the forward pair\'s notice', async () => {
      const rows = await world.sql.all<{ delivery_notice: { code: string } | null }>(
        `select delivery_notice from ${world.sql.table('forwarding_pairs')} where id = ?`, [forwardPair]);
      return rows[0]?.delivery_notice?.code === 'forward_not_editable';
    }, 10_000);
    assert.equal(postedIn(to.forward!, alice)[0]!.text, 'big news today');
  });

  it('copy mode carries a photo, with its caption or without one, as a photo without the header', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(5_000, 1)]);
    const photo = tg.storeMedia({ kind: 'photo', data: png });
    const bare = tg.storeMedia({ kind: 'photo', data: png });
    const before = postedIn(to.copy!, carol).length;
    tg.sendAsUser(bob.id, source, { text: 'a photo', entities: [new Api.MessageEntityItalic({ offset: 2, length: 5 })], media: photo });
    tg.sendAsUser(bob.id, source, { text: '', media: bare });
    await waitFor('both photos copied', () => postedIn(to.copy!, carol).length === before + 2, 30_000);
    const [captioned, uncaptioned] = postedIn(to.copy!, carol).slice(before);
    assert.equal(captioned!.media?.id, photo.id);
    assert.equal(captioned!.media?.kind, 'photo');
    assert.equal(captioned!.forwardedFrom, null);
    assert.equal(captioned!.text, 'a photo');
    assert.ok(captioned!.entities[0] instanceof Api.MessageEntityItalic);
    assert.equal(uncaptioned!.media?.id, bare.id);
    assert.equal(uncaptioned!.text, '');
    assert.equal(uncaptioned!.forwardedFrom, null);
  });

  it('forwards an album as one album in one forwardMessages call, with or without the header, and deleting it deletes both copies', async () => {
    const png = (seed: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(3_000, seed)]);
    const photos = [1, 2, 3].map((seed) => tg.storeMedia({ kind: 'photo', data: png(seed) }));
    const live = (group: FakeGroup, by: FakeUser) => postedIn(group, by).filter((m) => !m.deleted);
    const before = { forward: live(to.forward!, alice).length, copy: live(to.copy!, carol).length };
    const forwardsBefore = tg.stats().calls['messages.forwardMessages'] ?? 0;
    const parts = tg.sendAlbumAsUser(bob.id, source, [{ text: 'an album', media: photos[0]! }, { media: photos[1]! }, { media: photos[2]! }]);
    await waitFor('both albums', () => live(to.forward!, alice).length === before.forward + 3 && live(to.copy!, carol).length === before.copy + 3, 30_000);
    assert.equal((tg.stats().calls['messages.forwardMessages'] ?? 0) - forwardsBefore, 2, 'one call per destination');
    for (const [group, by, header] of [[to.forward!, alice, true], [to.copy!, carol, false]] as const) {
      const album = live(group, by).slice(-3);
      assert.notEqual(album[0]!.groupedId, null);
      assert.equal(new Set(album.map((m) => m.groupedId)).size, 1, 'one album');
      assert.notEqual(album[0]!.groupedId, parts[0]!.groupedId);
      assert.deepEqual(album.map((m) => m.media?.id), photos.map((p) => p.id), 'the same files, by reference');
      assert.deepEqual(album.map((m) => m.text), ['an album', '', '']);
      assert.equal(album.every((m) => (m.forwardedFrom !== null) === header), true);
    }

    tg.deleteAsUser(bob.id, source, parts.map((p) => p.id));
    await waitFor('both copies deleted', () => live(to.forward!, alice).length === before.forward && live(to.copy!, carol).length === before.copy, 30_000);
  });

  it('copies an album it cannot forward as one album of the same files, by reference (sendMultiMedia)', async () => {
    const png = (seed: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2_000, seed)]);
    const photos = [4, 5, 6].map((seed) => tg.storeMedia({ kind: 'photo', data: png(seed) }));
    const multiBefore = tg.stats().calls['messages.sendMultiMedia'] ?? 0;
    tg.sendAlbumAsUser(bob.id, group, [{ text: 'copied album', media: photos[0]! }, { media: photos[1]! }, { media: photos[2]! }]);
    await waitFor('the album copied', () => postedIn(to.fresh!, carol).length === 3, 30_000);
    const album = postedIn(to.fresh!, carol);
    assert.equal((tg.stats().calls['messages.sendMultiMedia'] ?? 0) - multiBefore, 1);
    assert.notEqual(album[0]!.groupedId, null);
    assert.equal(new Set(album.map((m) => m.groupedId)).size, 1, 'one album');
    assert.deepEqual(album.map((m) => m.media?.id), photos.map((p) => p.id), 'the same files, by reference');
    assert.match(album[0]!.text, /copied album$/);
    assert.equal(album.every((m) => m.forwardedFrom === null), true);
  });

  it('copies from a channel that protects its content, and the pair shows the forwards_restricted notice', async () => {
    tg.sendAsUser(bob.id, locked, { text: 'protected words' });
    await waitFor('the copy', () => postedIn(to.locked!, alice).length === 1, 30_000);
    const [copy] = postedIn(to.locked!, alice);
    assert.equal(copy!.forwardedFrom, null);
    assert.equal(copy!.text, 'Bob forwarded:\nprotected words');
    const pairs = world.sql.table('forwarding_pairs');
    let notice: { code: string; message: string; at: string } | null = null;
    await waitFor('the notice on the pair', async () => {
      const rows = await world.sql.all<{ delivery_notice: typeof notice }>(`select delivery_notice from ${pairs} where id = ?`, [lockedPair]);
      notice = rows[0]?.delivery_notice ?? null;
      return notice !== null;
    }, 10_000);
    assert.equal(notice!.code, 'forwards_restricted');
    assert.equal(notice!.message, 'The source chat protects its content: messages are copied instead of forwarded');
    assert.ok(Date.now() - Date.parse(notice!.at) < 60_000);
  });
});
