/**
 * The reporting side: watched chats only, one report per new message (a
 * duplicate at or before the position is dropped), the account's own and
 * service messages moving the position silently, Telegram's own edits
 * skipped, and deletes placed by chat.
 */
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { InboundFeed } from '../../../../actors/platform/telegram/inbound-feed.ts';
import type { InboundMessage } from '../../../../src/runtime-contracts/inbound-message.ts';

const group = new Api.PeerChat({ chatId: bigInt(9) });
const channel = new Api.PeerChannel({ channelId: bigInt(1800000001) });
const bob = new Api.PeerUser({ userId: bigInt(5) });
const msg = (id: number, peer: Api.TypePeer, extra: Partial<ConstructorParameters<typeof Api.Message>[0]> = {}) =>
  new Api.Message({ id, peerId: peer, fromId: bob, date: 100, message: `m${id}`, ...extra });
const nameOf = () => 'Bob';

function feed(): { feed: InboundFeed; out: InboundMessage[] } {
  const out: InboundMessage[] = [];
  const f = new InboundFeed((m) => out.push(m));
  f.watch(['-9', '-1001800000001']);
  return { feed: f, out };
}

describe('InboundFeed (Telegram)', () => {
  it('reports new messages once, in watched chats only', () => {
    const { feed: f, out } = feed();
    f.startAt('-9', 10);
    f.message('new', msg(10, group), nameOf);
    f.message('new', msg(11, group), nameOf);
    f.message('new', msg(11, group), nameOf);
    f.message('new', msg(5, new Api.PeerChat({ chatId: bigInt(4) })), nameOf);
    assert.deepEqual(out.map((m) => [m.kind, m.chatId, m.messageId]), [['new', '-9', '11']]);
    assert.deepEqual(f.cursor(), { '-9': '11' });
  });

  it('moves the position past its own and service messages without reporting them', () => {
    const { feed: f, out } = feed();
    f.message('new', msg(3, group, { out: true }), nameOf);
    f.message('new', new Api.MessageService({ id: 4, peerId: group, date: 1, action: new Api.MessageActionChatCreate({ title: 'g', users: [] }) }), nameOf);
    f.message('new', new Api.MessageEmpty({ id: 5 }), nameOf);
    assert.deepEqual(out, []);
    assert.equal(f.position('-9'), 4);
  });

  it('reports edits that carry an edit date, not Telegram\'s own (link previews)', () => {
    const { feed: f, out } = feed();
    f.message('edit', msg(3, channel), nameOf);
    f.message('edit', msg(3, channel, { editDate: 200 }), nameOf);
    assert.deepEqual(out.map((m) => [m.kind, m.at]), [['edit', 200_000]]);
  });

  it('places deletes: a channel\'s by its id, the common box\'s by the ids it saw', () => {
    const { feed: f, out } = feed();
    f.message('new', msg(7, group), nameOf);
    f.deleted([7, 8], null);
    f.deleted([2], '1800000001');
    f.deleted([2], '42');
    assert.deepEqual(out.slice(1).map((m) => [m.kind, m.chatId, m.messageId]), [['delete', '-9', '7'], ['delete', '-1001800000001', '2']]);
  });

  it('in a catch-up, offers a common-box delete it cannot place to the private chats and basic groups past it', () => {
    const out: InboundMessage[] = [];
    const f = new InboundFeed((m) => out.push(m));
    f.watch(['-9', '-10', '42', '-1001800000001']);
    f.startAt('-9', 20);
    f.startAt('-10', 5);
    f.startAt('42', 30);
    f.startAt('-1001800000001', 99);
    f.deleted([12], null);
    assert.equal(out.length, 0, 'live, an unknown id is not guessed');
    f.deleted([12], null, true);
    assert.deepEqual(out.map((m) => `${m.kind} ${m.chatId} ${m.messageId}`), ['delete -9 12', 'delete 42 12'], 'not -10 (not past it yet), not a channel');
  });

  it('resumes from a cursor and forgets the positions of chats no longer watched', () => {
    const f = new InboundFeed(() => {});
    f.resumeFrom({ '-9': '40', '5': 'garbage' });
    assert.deepEqual(f.watched(), ['-9']);
    assert.deepEqual(f.watch(['-9', '-1001800000001']), ['-1001800000001']);
    f.watch(['-1001800000001']);
    assert.deepEqual(f.cursor(), {});
    assert.equal(f.isWatched('-9'), false);
  });
});
