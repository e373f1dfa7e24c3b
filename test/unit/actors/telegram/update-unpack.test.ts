/**
 * Telegram's update forms flattened into changes: short messages expanded
 * to the message they stand for, containers opened, every pts-moving update
 * kept (even ones nothing is reported for), and the id a send got.
 */
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { changeOf, sentMessageId, unpackUpdates } from '../../../../actors/platform/telegram/update-unpack.ts';

const message = (id: number, peer: Api.TypePeer) => new Api.Message({ id, peerId: peer, date: 100, message: 'hi' });
const chat = new Api.PeerChat({ chatId: bigInt(9) });
const channel = new Api.PeerChannel({ channelId: bigInt(18) });

describe('unpackUpdates', () => {
  it('expands updateShortMessage to a private message from the other party', () => {
    const u = unpackUpdates(new Api.UpdateShortMessage({ id: 4, userId: bigInt(5), message: 'yo', pts: 3, ptsCount: 1, date: 100 }));
    assert.equal(u.date, 100);
    const [c] = u.changes;
    assert.ok(c?.kind === 'new' && c.message instanceof Api.Message);
    assert.deepEqual([c.pts, c.ptsCount, c.channelId, c.message.id, c.message.message], [3, 1, null, 4, 'yo']);
    assert.ok(c.message.peerId instanceof Api.PeerUser && c.message.peerId.userId.toString() === '5');
    assert.ok(c.message.fromId instanceof Api.PeerUser && c.message.fromId.userId.toString() === '5');
    const own = unpackUpdates(new Api.UpdateShortMessage({ out: true, id: 5, userId: bigInt(5), message: 'me', pts: 4, ptsCount: 1, date: 100 }), '7');
    const ownMessage = (own.changes[0] as { message: Api.Message }).message;
    assert.equal(ownMessage.out, true);
    assert.equal((ownMessage.fromId as Api.PeerUser).userId.toString(), '7');
  });

  it('expands updateShortChatMessage to a basic group message', () => {
    const u = unpackUpdates(new Api.UpdateShortChatMessage({ id: 6, fromId: bigInt(5), chatId: bigInt(9), message: 'g', pts: 8, ptsCount: 1, date: 100 }));
    const m = (u.changes[0] as { message: Api.Message }).message;
    assert.ok(m.peerId instanceof Api.PeerChat && m.peerId.chatId.toString() === '9');
    assert.ok(m.fromId instanceof Api.PeerUser && m.fromId.userId.toString() === '5');
  });

  it('opens containers, keeping their users, chats, date and seq', () => {
    const user = new Api.User({ id: bigInt(5), accessHash: bigInt(1), firstName: 'Bob' });
    const u = unpackUpdates(new Api.Updates({
      updates: [new Api.UpdateNewChannelMessage({ message: message(1, channel), pts: 20, ptsCount: 1 }), new Api.UpdateUserTyping({ userId: bigInt(5), action: new Api.SendMessageTypingAction() })],
      users: [user], chats: [], date: 200, seq: 3,
    }));
    assert.deepEqual([u.date, u.seq, u.users.length], [200, 3, 1]);
    assert.deepEqual(u.changes.map((c) => [c.kind, 'channelId' in c ? c.channelId : null]), [['new', '18']], 'typing moves no sequence');
    const short = unpackUpdates(new Api.UpdateShort({ update: new Api.UpdateDeleteMessages({ messages: [1, 2], pts: 9, ptsCount: 2 }), date: 300 }));
    assert.deepEqual(short.changes, [{ kind: 'delete', ids: [1, 2], pts: 9, ptsCount: 2, channelId: null }]);
    assert.deepEqual(unpackUpdates(new Api.UpdatesTooLong()).changes, [{ kind: 'tooLong' }]);
    assert.deepEqual(unpackUpdates(new Api.UpdateShortSentMessage({ out: true, id: 3, pts: 12, ptsCount: 1, date: 1 })).changes,
      [{ kind: 'other', pts: 12, ptsCount: 1, channelId: null }]);
  });

  it('maps every message update, and keeps the others that move a sequence', () => {
    assert.deepEqual(changeOf(new Api.UpdateEditChannelMessage({ message: message(1, channel), pts: 5, ptsCount: 1 }))?.kind, 'edit');
    assert.deepEqual(changeOf(new Api.UpdateEditMessage({ message: message(1, chat), pts: 5, ptsCount: 1 })), {
      kind: 'edit', message: message(1, chat), pts: 5, ptsCount: 1, channelId: null,
    });
    assert.deepEqual(changeOf(new Api.UpdateDeleteChannelMessages({ channelId: bigInt(18), messages: [3], pts: 7, ptsCount: 1 })),
      { kind: 'delete', ids: [3], pts: 7, ptsCount: 1, channelId: '18' });
    assert.deepEqual(changeOf(new Api.UpdateChannelTooLong({ channelId: bigInt(18) })), { kind: 'channelTooLong', channelId: '18' });
    assert.deepEqual(changeOf(new Api.UpdateReadHistoryInbox({ peer: chat, maxId: 1, stillUnreadCount: 0, pts: 11, ptsCount: 1 })),
      { kind: 'other', pts: 11, ptsCount: 1, channelId: null });
    assert.deepEqual(changeOf(new Api.UpdatePinnedChannelMessages({ channelId: bigInt(18), messages: [1], pts: 4, ptsCount: 1 })),
      { kind: 'other', pts: 4, ptsCount: 1, channelId: '18' });
    assert.equal(changeOf(new Api.UpdateReadChannelInbox({ channelId: bigInt(18), maxId: 1, stillUnreadCount: 0, pts: 4 })), null, 'a pts but no pts_count: no move');
  });
});

describe('sentMessageId', () => {
  it('reads the new id from updateShortSentMessage or the updateMessageID of our random_id', () => {
    assert.equal(sentMessageId(new Api.UpdateShortSentMessage({ out: true, id: 31, pts: 1, ptsCount: 1, date: 1 }), 5n), 31);
    const answer = new Api.Updates({
      updates: [
        new Api.UpdateMessageID({ id: 7, randomId: bigInt(-4) }),
        new Api.UpdateMessageID({ id: 8, randomId: bigInt(5) }),
        new Api.UpdateNewChannelMessage({ message: new Api.Message({ id: 8, out: true, peerId: channel, date: 1, message: 'x' }), pts: 2, ptsCount: 1 }),
      ],
      users: [], chats: [], date: 1, seq: 0,
    });
    assert.equal(sentMessageId(answer, 5n), 8);
    assert.equal(sentMessageId(answer, -4n), 7);
    const noIdUpdate = new Api.Updates({
      updates: [new Api.UpdateNewMessage({ message: new Api.Message({ id: 9, out: true, peerId: chat, date: 1, message: 'x' }), pts: 2, ptsCount: 1 })],
      users: [], chats: [], date: 1, seq: 0,
    });
    assert.equal(sentMessageId(noIdUpdate, 1n), 9);
    assert.equal(sentMessageId(new Api.UpdatesTooLong(), 1n), null);
  });
});
