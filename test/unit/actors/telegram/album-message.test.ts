/**
 * An album's parts as one message through the feed: files in id order, the
 * caption of whichever part has it, every part's id, the cursor at the last
 * part; edits and deletes of its parts as the album's; updates of the
 * account's state held back while parts are.
 */
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { InboundFeed } from '../../../../actors/platform/telegram/inbound-feed.ts';
import type { InboundMessage } from '../../../../src/runtime-contracts/inbound-message.ts';
import type { NeutralMessage } from '../../../../src/forwarding/message/neutral-message.ts';

const channel = new Api.PeerChannel({ channelId: bigInt(1800000001) });
const CHAT = '-1001800000001';
const bob = new Api.PeerUser({ userId: bigInt(5) });
const photo = (id: number) => new Api.MessageMediaPhoto({
  photo: new Api.Photo({ id: bigInt(id), accessHash: bigInt(1), fileReference: Buffer.from([1]), date: 1, sizes: [], dcId: 1 }),
});
const part = (id: number, text = '', extra: Partial<ConstructorParameters<typeof Api.Message>[0]> = {}) =>
  new Api.Message({ id, peerId: channel, fromId: bob, date: 100, message: text, media: photo(900 + id), groupedId: bigInt(77), ...extra });
const nameOf = () => 'Bob';

/** A feed whose album window closes only when the test says so. */
function feed() {
  const out: InboundMessage[] = [];
  let fire: (() => void) | null = null;
  const f = new InboundFeed((m) => out.push(m), { now: () => 0, startTimer: (_ms, go) => { fire = go; return () => { fire = null; }; } });
  f.watch([CHAT]);
  return { f, out, close: () => fire?.() };
}
const payload = (m: InboundMessage) => m.payload as NeutralMessage;

describe('Telegram albums as one message', () => {
  it('reports the parts as one message: files in order, the caption, every id, the cursor at the last part', () => {
    const { f, out, close } = feed();
    f.message('new', part(11, 'the caption'), nameOf);
    f.message('new', part(12), nameOf);
    f.message('new', part(13), nameOf);
    assert.equal(out.length, 0);
    assert.equal(f.held, 3);
    close();
    assert.equal(out.length, 1);
    const album = out[0]!;
    assert.equal(album.messageId, '11');
    assert.equal(album.lastMessageId, '13');
    assert.equal(payload(album).text.text, 'the caption');
    assert.deepEqual(payload(album).partIds, ['11', '12', '13']);
    assert.deepEqual(payload(album).attachments.map((a) => a.fileName), ['photo_911.jpg', 'photo_912.jpg', 'photo_913.jpg']);
    assert.equal(payload(album).groupId, '77');
  });

  it('takes the caption from a later part when the first has none', () => {
    const { f, out, close } = feed();
    f.message('new', part(11), nameOf);
    f.message('new', part(12, 'late caption'), nameOf);
    close();
    assert.equal(payload(out[0]!).text.text, 'late caption');
  });

  it('sends a held album before a message that follows it (a catch-up page)', () => {
    const { f, out } = feed();
    f.message('new', part(11, 'c'), nameOf);
    f.message('new', part(12), nameOf);
    f.message('new', new Api.Message({ id: 13, peerId: channel, fromId: bob, date: 100, message: 'after' }), nameOf);
    assert.deepEqual(out.map((m) => [m.messageId, payload(m).attachments.length]), [['11', 2], ['13', 0]]);
  });

  it('an edit of a part of an album no longer remembered waits while the album is read again, then is the album\'s; later edits of the chat keep behind it', async () => {
    const out: InboundMessage[] = [];
    const asked: Array<[string, number, number]> = [];
    let answer!: (messages: Api.TypeMessage[]) => void;
    const f = new InboundFeed((m) => out.push(m), {}, (chatId, messageId, span) => {
      asked.push([chatId, messageId, span]);
      return new Promise((resolve) => { answer = resolve; });
    });
    f.watch([CHAT]);
    f.message('edit', part(13, '', { editDate: 200 }), nameOf);
    f.message('edit', new Api.Message({ id: 20, peerId: channel, fromId: bob, date: 100, message: 'other, edited', editDate: 201 }), nameOf);
    assert.equal(out.length, 0, 'both wait');
    assert.equal(f.held, 2, 'the checkpoint waits for them');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(asked, [[CHAT, 13, 9]]);
    // The history around it: the album's three parts, a stranger of another album, a plain message.
    answer([part(11, 'the caption'), part(12), part(13), part(14, 'x', { groupedId: bigInt(78) }), new Api.Message({ id: 10, peerId: channel, date: 1, message: 'before' })]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(out.map((m) => [m.kind, m.messageId]), [['edit', '11'], ['edit', '20']]);
    assert.equal(payload(out[0]!).text.text, 'the caption', 'the album\'s caption stays');
    assert.deepEqual(payload(out[0]!).partIds, ['11', '12', '13']);
    assert.equal(payload(out[0]!).attachments.length, 3);
    assert.equal(f.held, 0);
  });

  it('an album that cannot be read again leaves the edit as the part alone', async () => {
    const out: InboundMessage[] = [];
    const f = new InboundFeed((m) => out.push(m), {}, async () => { throw new Error('not connected'); });
    f.watch([CHAT]);
    f.message('edit', part(12, 'caption', { editDate: 200 }), nameOf);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(out.map((m) => [m.kind, m.messageId, payload(m).attachments.length]), [['edit', '12', 1]]);
  });

  it('carries an edit of a part as an edit of the whole album', () => {
    const { f, out, close } = feed();
    f.message('new', part(11, 'old'), nameOf);
    f.message('new', part(12), nameOf);
    close();
    f.message('edit', part(11, 'new caption', { editDate: 200 }), nameOf);
    const edit = out[1]!;
    assert.equal(edit.kind, 'edit');
    assert.equal(edit.messageId, '11');
    assert.equal(payload(edit).text.text, 'new caption');
    assert.equal(payload(edit).attachments.length, 2);
    assert.deepEqual(payload(edit).partIds, ['11', '12']);
  });

  it('makes the deletes of an album\'s parts one delete of the album', () => {
    const { f, out, close } = feed();
    f.message('new', part(11, 'c'), nameOf);
    f.message('new', part(12), nameOf);
    f.message('new', part(13), nameOf);
    close();
    f.deleted([11, 12, 13], '1800000001');
    assert.deepEqual(out.slice(1).map((m) => [m.kind, m.messageId]), [['delete', '11']]);
    // Forgotten after: a later delete of a part goes as it is (its link finds the copy).
    f.deleted([12], '1800000001');
    assert.deepEqual(out.at(-1)!.messageId, '12');
  });

  it('sends the album held before a delete of its chat', () => {
    const { f, out } = feed();
    f.message('new', part(11, 'c'), nameOf);
    f.message('new', part(12), nameOf);
    f.deleted([11], '1800000001');
    assert.deepEqual(out.map((m) => [m.kind, m.messageId]), [['new', '11'], ['delete', '11']]);
  });
});

describe('Telegram update state while album parts are held', () => {
  it('checkpoints only once the parts it covers are reported', async () => {
    const { SessionMemory } = await import('../../../../actors/platform/telegram/session-memory.ts');
    const out: InboundMessage[] = [];
    const checkpoints: Record<string, string>[] = [];
    let fire: (() => void) | null = null;
    const memory = new SessionMemory({
      peerCacheSize: 16, io: () => null, onError: () => {}, notice: () => {},
      emit: (m) => out.push(m),
      checkpoint: (positions) => checkpoints.push({ ...positions }),
      albums: { now: () => 0, startTimer: (_ms, go) => { fire = go; return () => { fire = null; }; } },
    });
    memory.watch([CHAT]);
    memory.feed.message('new', part(11, 'c'), nameOf);
    memory.feed.message('new', part(12), nameOf);
    memory.state.setCommon({ pts: 7, qts: 0, date: 100, seq: 0 });
    memory.state.setChannel('1800000001', 40);
    memory.checkpoint();
    assert.deepEqual(checkpoints, [], 'not past parts a crash would lose');
    fire!();
    assert.equal(out.length, 1);
    assert.equal(checkpoints.length, 1);
    assert.ok(Object.values(checkpoints[0]!).includes('40'));
  });
});
