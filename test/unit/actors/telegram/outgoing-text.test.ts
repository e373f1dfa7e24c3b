/**
 * What a Telegram destination shows for an OutgoingMessage: the author
 * line unless in copy mode, the text, a line per file, or nothing at all.
 */
import assert from 'node:assert/strict';
import { composeTelegramText } from '../../../../actors/platform/telegram/outgoing-text.ts';
import type { OutgoingMessage } from '../../../../src/forwarding/message/outgoing-message.ts';

function message(extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    text: { text: 'hello world', entities: [{ type: 'italic', offset: 6, length: 5 }] }, attachments: [], silent: false, copyMode: false,
    author: { id: '1', name: 'Alice' }, source: { platform: 'discord', chatId: '1', messageId: '1' }, ...extra,
  };
}

describe('composeTelegramText', () => {
  it('puts the author in bold on a first line, shifting the text\'s entities', () => {
    assert.deepEqual(composeTelegramText(message()), {
      text: 'Alice forwarded:\nhello world',
      entities: [{ type: 'bold', offset: 0, length: 5 }, { type: 'italic', offset: 23, length: 5 }],
    });
    assert.equal(composeTelegramText(message({ author: { id: '1', name: '' } })).text, 'Someone forwarded:\nhello world');
  });

  it('sends the text alone in copy mode', () => {
    assert.deepEqual(composeTelegramText(message({ copyMode: true })), message().text);
  });

  it('adds a linked line per file, and posts nothing for a message with neither text nor files', () => {
    const attachments = [
      { kind: 'photo' as const, url: 'https://cdn.example/p.png', fileName: 'p.png', sizeBytes: 2048 },
      { kind: 'document' as const, url: 'tg://file', fileName: ' ', sizeBytes: 10 },
    ];
    assert.deepEqual(composeTelegramText(message({ copyMode: true, text: { text: '', entities: [] }, attachments })), {
      text: '📎 p.png (2.0 KiB)\n📎 document (10 B)',
      entities: [{ type: 'link', offset: 3, length: 5, url: 'https://cdn.example/p.png' }],
    });
    assert.deepEqual(composeTelegramText(message({ text: { text: '  ', entities: [] } })), { text: '', entities: [] });
  });
});
