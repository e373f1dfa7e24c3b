/**
 * The text a Discord destination shows around a forwarded message: the
 * author line, the reply link of webhook copies, link lines for files too
 * large to upload; plus webhook usernames, part nonces and sizes.
 */
import assert from 'node:assert/strict';
import type { OutgoingMessage } from '../../../../src/forwarding/message/outgoing-message.ts';
import {
  chunk, composeText, concatRichText, partNonce, webhookUsername,
} from '../../../../actors/platform/discord/outgoing-text.ts';

const LIMIT = 10 * 1024 * 1024;

function message(text: string, entities: OutgoingMessage['text']['entities'] = []): OutgoingMessage {
  return {
    text: { text, entities },
    attachments: [],
    silent: false,
    copyMode: false,
    author: { id: 'u1', name: 'Alice' },
    source: { platform: 'telegram', chatId: 'c1', messageId: 'm1' },
  };
}

describe('Discord outgoing text', () => {
  it('names the author in bold on the first line of a bot message, shifting the entities below', () => {
    const out = composeText({ message: message('hi there', [{ type: 'italic', offset: 3, length: 5 }]), as: 'bot', linked: [], uploadLimitBytes: LIMIT });
    assert.equal(out.text, 'Alice forwarded:\nhi there');
    assert.deepEqual(out.entities, [{ type: 'bold', offset: 0, length: 5 }, { type: 'italic', offset: 20, length: 5 }]);
  });

  it('adds nothing for a webhook copy but a reply link when the copy answers a message', () => {
    assert.deepEqual(composeText({ message: message('hi'), as: 'webhook', linked: [], uploadLimitBytes: LIMIT }), { text: 'hi', entities: [] });
    const out = composeText({ message: message('hi'), as: 'webhook', linked: [], uploadLimitBytes: LIMIT, replyJumpUrl: 'https://discord.com/channels/1/2/3' });
    assert.equal(out.text, '↪ in reply to this message\nhi');
    assert.deepEqual(out.entities, [{ type: 'link', url: 'https://discord.com/channels/1/2/3', offset: 2, length: 24 }]);
  });

  it('links files too large to upload on lines of their own, with name and size', () => {
    const big = { kind: 'video' as const, url: 'https://files.example/v.mp4', fileName: 'v.mp4', sizeBytes: 30 * 1024 * 1024 };
    const out = composeText({ message: message(''), as: 'webhook', linked: [big], uploadLimitBytes: LIMIT });
    assert.equal(out.text, '📎 v.mp4 (30.0 MiB, over the 10.0 MiB upload limit)');
    assert.deepEqual(out.entities, [{ type: 'link', url: big.url, offset: 3, length: 5 }]);
    const withHeader = composeText({ message: message('look'), as: 'bot', linked: [big], uploadLimitBytes: LIMIT });
    assert.equal(withHeader.text, 'Alice forwarded:\nlook\n📎 v.mp4 (30.0 MiB, over the 10.0 MiB upload limit)');
    const refused = { kind: 'photo' as const, url: 'https://files.example/p.png', fileName: 'p.png', sizeBytes: 2048 };
    assert.equal(composeText({ message: message(''), as: 'webhook', linked: [refused], uploadLimitBytes: LIMIT }).text, '📎 p.png (2.0 KiB)');
  });

  it('keeps only the header for a bot message without text', () => {
    assert.equal(composeText({ message: message(''), as: 'bot', linked: [], uploadLimitBytes: LIMIT }).text, 'Alice forwarded:');
  });

  it('concatenates rich text', () => {
    assert.deepEqual(
      concatRichText({ text: 'ab', entities: [{ type: 'bold', offset: 0, length: 2 }] }, { text: 'cd', entities: [{ type: 'code', offset: 1, length: 1 }] }),
      { text: 'abcd', entities: [{ type: 'bold', offset: 0, length: 2 }, { type: 'code', offset: 3, length: 1 }] },
    );
  });

  it('makes webhook usernames Discord accepts', () => {
    assert.equal(webhookUsername('Alice'), 'Alice');
    assert.equal(webhookUsername('Discord Fan'), 'disc0rd Fan');
    assert.equal(webhookUsername('clyde'), 'clyd3');
    assert.equal(webhookUsername('   '), 'Unknown');
    assert.equal([...webhookUsername('é'.repeat(100))].length, 80);
  });

  it('derives 25-character nonces, distinct per part and stable per task', () => {
    const a = partNonce('task-key', 0);
    assert.equal(a.length, 25);
    assert.equal(partNonce('task-key', 0), a);
    assert.notEqual(partNonce('task-key', 1), a);
    assert.notEqual(partNonce('other-key', 0), a);
  });

  it('chunks lists', () => {
    assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
  });
});
