import assert from 'node:assert/strict';
import pino from 'pino';
import type { OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';
import { LinkRenewal, RENEW_MARGIN_MS } from '../../../supervisor/link-renewal.ts';

const NOW = 1_800_000_000_000;
const link = (name: string, expiresInMs: number): string =>
  `https://cdn.discordapp.com/attachments/1/2/${name}?ex=${Math.floor((NOW + expiresInMs) / 1000).toString(16)}&is=0&hm=ab`;

function message(urls: string[]): OutgoingMessage {
  return {
    text: { text: 'files', entities: [] }, silent: false, copyMode: false, author: { id: 'u', name: 'Ann' },
    source: { platform: 'discord', chatId: 'c', messageId: 'm' },
    attachments: urls.map((url, i) => ({ kind: 'document' as const, url, fileName: `f${i}`, sizeBytes: 1 })),
  };
}

describe('renewing expiring Discord links at dispatch', () => {
  const quiet = pino({ level: 'silent' });

  it('renews only the links expiring within the margin, through the source account, and counts them', async () => {
    const asked: Array<[string, string[]]> = [];
    const renewal = new LinkRenewal(async (account, urls) => {
      asked.push([account, urls]);
      return Object.fromEntries(urls.map((u) => [u, `${u}&fresh`]));
    }, quiet, () => NOW);
    const gone = link('gone.png', -1_000);
    const soon = link('soon.png', RENEW_MARGIN_MS - 1_000);
    const later = link('later.png', RENEW_MARGIN_MS + 60_000);
    const out = await renewal.apply('acct', message([gone, later, soon]));
    assert.deepEqual(asked, [['acct', [gone, soon]]]);
    assert.deepEqual(out.attachments.map((a) => a.url), [`${gone}&fresh`, later, `${soon}&fresh`]);
    assert.deepEqual(renewal.counts, { renewed: 2, failed: 0 });
  });

  it('asks nothing when no link expires soon, and sends with the old links when renewal fails', async () => {
    let calls = 0;
    const failing = new LinkRenewal(async () => {
      calls += 1;
      throw new Error('the source account is not running here');
    }, quiet, () => NOW);
    const fresh = message([link('a.png', RENEW_MARGIN_MS * 2), 'https://example.com/b.png']);
    assert.equal(await failing.apply('acct', fresh), fresh);
    assert.equal(calls, 0);
    const stale = message([link('a.png', -5)]);
    assert.equal(await failing.apply('acct', stale), stale);
    assert.deepEqual(failing.counts, { renewed: 0, failed: 1 });
  });
});
