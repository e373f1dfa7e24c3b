import assert from 'node:assert/strict';
import { deliveryMode, editsAForward, forwardRefusal, forwardSourceOf } from '../../../../actors/platform/telegram/forward-mode.ts';
import type { OutgoingMessage } from '../../../../src/forwarding/message/outgoing-message.ts';

const message = (extra: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  text: { text: 'hi', entities: [] }, attachments: [], silent: false, copyMode: false, author: { id: '1', name: 'Ann' },
  source: { platform: 'telegram', chatId: '-1001234', messageId: '42' }, ...extra,
});

describe('Telegram forward mode (pure)', () => {
  it('forwards a Telegram channel message with its header, or without it in copy mode', () => {
    assert.equal(deliveryMode(message()), 'forward');
    assert.equal(deliveryMode(message({ copyMode: true })), 'forward_without_author');
  });

  it('posts fresh what a forward cannot carry: other platforms, content the filters changed, odd ids', () => {
    assert.equal(deliveryMode(message({ source: { platform: 'discord', chatId: '1', messageId: '42' } })), 'send');
    assert.equal(deliveryMode(message({ contentChanged: true })), 'send');
    assert.equal(deliveryMode(message({ source: { platform: 'telegram', chatId: '-1001234', messageId: 'x1' } })), 'send');
  });

  it('forwards from private chats and basic groups only when the sender reads them (ids are per account there)', () => {
    const group = { platform: 'telegram' as const, chatId: '-4321', messageId: '7' };
    assert.equal(deliveryMode(message({ source: group })), 'send');
    assert.equal(deliveryMode(message({ source: group, sentByReader: true })), 'forward');
    assert.equal(deliveryMode(message({ source: { ...group, chatId: '5555' }, sentByReader: true, copyMode: true })), 'forward_without_author');
  });

  it('skips edits only of forwards with their header', () => {
    assert.equal(editsAForward(message()), true);
    assert.equal(editsAForward(message({ copyMode: true })), false);
    assert.equal(editsAForward(message({ contentChanged: true })), false);
  });

  it('reads forwardMessages refusals', () => {
    assert.equal(forwardRefusal('RANDOM_ID_DUPLICATE'), 'duplicate');
    assert.equal(forwardRefusal('CHAT_FORWARDS_RESTRICTED'), 'restricted');
    for (const name of ['CHANNEL_PRIVATE', 'CHANNEL_INVALID', 'PEER_ID_INVALID', 'CHAT_ID_INVALID', 'MESSAGE_ID_INVALID']) {
      assert.equal(forwardRefusal(name), 'unreadable', name);
    }
    assert.equal(forwardRefusal('CHAT_WRITE_FORBIDDEN'), null);
    assert.equal(forwardRefusal(''), null);
  });

  it('names the chat a send task may forward from', () => {
    assert.equal(forwardSourceOf({ op: 'send', payload: message() }), '-1001234');
    assert.equal(forwardSourceOf({ op: 'edit', payload: message() }), null);
    assert.equal(forwardSourceOf({ op: 'send', payload: message({ source: { platform: 'discord', chatId: '1', messageId: '2' } }) }), null);
    assert.equal(forwardSourceOf({ op: 'send', payload: null }), null);
  });
});
