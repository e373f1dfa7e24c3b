import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Attachment } from '../../../src/forwarding/message/neutral-message.ts';
import { humanFileSize, oversizeFileLine } from '../../../src/forwarding/format/file-fallback.ts';
import {
  DISCORD_BOT_UPLOAD_MAX_BYTES, DISCORD_MESSAGE_MAX_LENGTH, TELEGRAM_BOT_API_UPLOAD_MAX_BYTES, TELEGRAM_CAPTION_MAX_LENGTH,
  TELEGRAM_MESSAGE_MAX_LENGTH, TELEGRAM_PREMIUM_UPLOAD_MAX_BYTES, TELEGRAM_UPLOAD_MAX_BYTES,
} from '../../../src/forwarding/format/limits.ts';
import { isWellFormed } from '../../../src/forwarding/format/rich-text.ts';

const file = (over: Partial<Attachment> = {}): Attachment => ({
  kind: 'document', url: 'https://cdn.example/f/report.pdf', fileName: 'report.pdf', sizeBytes: 13_000_000, ...over,
});

describe('format: limits and oversize files', () => {
  it('states the destination limits', () => {
    assert.equal(DISCORD_MESSAGE_MAX_LENGTH, 2000);
    assert.equal(TELEGRAM_MESSAGE_MAX_LENGTH, 4096);
    assert.equal(TELEGRAM_CAPTION_MAX_LENGTH, 1024);
    assert.equal(DISCORD_BOT_UPLOAD_MAX_BYTES, 10 * 1024 ** 2);
    assert.equal(TELEGRAM_UPLOAD_MAX_BYTES, 2000 * 1024 ** 2);
    assert.equal(TELEGRAM_PREMIUM_UPLOAD_MAX_BYTES, 4000 * 1024 ** 2);
    assert.equal(TELEGRAM_BOT_API_UPLOAD_MAX_BYTES, 50_000_000);
  });

  it('writes sizes in binary units', () => {
    assert.deepEqual([0, 1023, 1536, 13_000_000, 2 * 1024 ** 3, -1].map(humanFileSize),
      ['0 B', '1023 B', '1.5 KiB', '12.4 MiB', '2.0 GiB', 'unknown size']);
  });

  it('lets a file that fits through', () => {
    assert.equal(oversizeFileLine(file({ sizeBytes: DISCORD_BOT_UPLOAD_MAX_BYTES }), DISCORD_BOT_UPLOAD_MAX_BYTES), null);
  });

  it('turns a file over the limit into a linked line with its size', () => {
    assert.deepEqual(oversizeFileLine(file(), DISCORD_BOT_UPLOAD_MAX_BYTES), {
      text: '📎 report.pdf (12.4 MiB, over the 10.0 MiB upload limit)',
      entities: [{ type: 'link', offset: 3, length: 10, url: 'https://cdn.example/f/report.pdf' }],
    });
  });

  it('names a nameless file by its kind, skips a link it cannot make, and never lets an unknown size through', () => {
    assert.deepEqual(oversizeFileLine(file({ fileName: ' ', kind: 'video', url: 'file:///tmp/x' }), 10), {
      text: '📎 video (12.4 MiB, over the 10 B upload limit)',
      entities: [],
    });
    assert.notEqual(oversizeFileLine(file({ sizeBytes: Number.NaN }), 10), null);
  });

  it('property: over the limit always gives a well-formed line naming the file; within it, null', () => {
    fc.assert(fc.property(fc.nat({ max: 2 ** 40 }), fc.nat({ max: 2 ** 40 }), fc.string({ minLength: 1, maxLength: 20 }), (size, limit, name) => {
      const line = oversizeFileLine(file({ sizeBytes: size, fileName: name }), limit);
      if (size <= limit) return assert.equal(line, null);
      assert.ok(line && isWellFormed(line));
      assert.ok(line.text.includes(name.trim() || 'document'));
    }), { numRuns: 300 });
  });
});
