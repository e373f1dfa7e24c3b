import assert from 'node:assert/strict';
import { expectedSends, postsAsFile, withoutReferences } from '../../../../actors/platform/telegram/file-delivery.ts';
import type { Attachment } from '../../../../src/forwarding/message/neutral-message.ts';
import type { OutgoingMessage } from '../../../../src/forwarding/message/outgoing-message.ts';

const ref = { type: 'photo' as const, id: '1', accessHash: '2', fileReference: 'AA==' };
const file = (contentType: string, sizeBytes = 100, extra: Partial<Attachment> = {}): Attachment =>
  ({ kind: 'document', url: 'http://x/f', fileName: 'f', sizeBytes, contentType, ...extra });

function message(text: string, attachments: Attachment[]): OutgoingMessage {
  return { text: { text, entities: [] }, attachments, silent: false, copyMode: true, author: { id: '1', name: 'A' }, source: { platform: 'discord', chatId: '1', messageId: '1' } };
}

describe('Telegram file delivery (pure parts)', () => {
  it('posts a Telegram file whatever its size, another only up to the limit', () => {
    assert.equal(postsAsFile(file('image/png', 2_000), 1_000), false);
    assert.equal(postsAsFile(file('image/png', 2_000, { telegram: ref }), 1_000), true);
    assert.equal(postsAsFile(file('image/png', 1_000), 1_000), true);
  });

  it('expects one send per album or lone file, and one more for a text too long for a caption', () => {
    const photos = [file('image/png'), file('image/png'), file('video/mp4')];
    assert.equal(expectedSends(message('hi', photos), 1_000), 1);
    assert.equal(expectedSends(message('x'.repeat(1_100), photos), 1_000), 2);
    assert.equal(expectedSends(message('hi', [...photos, file('application/pdf'), file('image/gif')]), 1_000), 3);
    assert.equal(expectedSends(message('hi', [file('image/png', 5_000)]), 1_000), 0, 'a linked file is a line of the text');
  });

  it('drops Telegram references so the files become lines', () => {
    const out = withoutReferences(message('hi', [file('image/jpeg', 10, { telegram: ref, url: '' })]));
    assert.equal(out.attachments[0]!.telegram, undefined);
    assert.equal('telegram' in out.attachments[0]!, false);
  });
});
