import assert from 'node:assert/strict';
import type { Attachment } from '../../../../src/forwarding/message/neutral-message.ts';
import { albums, telegramKind } from '../../../../actors/platform/telegram/media-plan.ts';
import type { TelegramMediaKind } from '../../../../actors/platform/telegram/media-plan.ts';

const file = (contentType: string | undefined, sizeBytes = 1000, kind: Attachment['kind'] = 'document'): Attachment => ({
  kind, url: 'http://x/f', fileName: 'f', sizeBytes, ...(contentType === undefined ? {} : { contentType }),
});

describe('Telegram media plan', () => {
  it('maps files to what Telegram shows', () => {
    assert.equal(telegramKind(file('image/png')), 'photo');
    assert.equal(telegramKind(file('image/jpeg; charset=binary')), 'photo');
    assert.equal(telegramKind(file('image/png', 10 * 1024 * 1024 + 1)), 'document', 'too large for a photo');
    assert.equal(telegramKind(file('image/gif')), 'animation');
    assert.equal(telegramKind(file('image/svg+xml')), 'document');
    assert.equal(telegramKind(file('video/mp4')), 'video');
    assert.equal(telegramKind(file('audio/ogg', 10, 'voice')), 'voice');
    assert.equal(telegramKind(file('audio/ogg', 10, 'audio')), 'audio');
    assert.equal(telegramKind(file('audio/mpeg', 10, 'voice')), 'audio', 'Telegram voice notes are Ogg');
    assert.equal(telegramKind(file(undefined)), 'document');
    const ref = { type: 'document' as const, id: '1', accessHash: '2', fileReference: 'AA==' };
    assert.equal(telegramKind({ ...file('image/webp', 10, 'sticker'), telegram: ref }), 'animation', 'a Telegram sticker goes alone');
    assert.equal(telegramKind({ ...file('video/mp4', 10, 'video'), telegram: ref }), 'video');
  });

  it('groups files into albums Telegram accepts, keeping their order', () => {
    const k = (...kinds: TelegramMediaKind[]) => albums(kinds);
    assert.deepEqual(k('photo', 'video', 'photo'), [[0, 1, 2]]);
    assert.deepEqual(k('photo', 'document', 'document', 'photo'), [[0], [1, 2], [3]]);
    assert.deepEqual(k('photo', 'voice', 'photo'), [[0], [1], [2]]);
    assert.deepEqual(k('animation', 'animation'), [[0], [1]]);
    assert.deepEqual(k('audio', 'audio', 'document'), [[0, 1], [2]]);
    const twelve = albums(Array.from({ length: 12 }, () => 'photo' as const));
    assert.deepEqual(twelve.map((g) => g.length), [10, 2]);
    assert.deepEqual(k(), []);
  });
});
