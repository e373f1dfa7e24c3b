import assert from 'node:assert/strict';
import { FileLinkExpiredError, FileLinkInvalidError } from '../../../src/errors/registry.ts';
import { openFileLink, signFileLink, type FileLinkClaim } from '../../../supervisor/file-link.ts';

const key = Buffer.alloc(32, 7);
const claim: FileLinkClaim = {
  accountId: 'acc-1',
  chatId: '-1001',
  ref: { type: 'document', id: '42', accessHash: '99', fileReference: 'AQID', dcId: 2, messageId: '17' },
  sizeBytes: 1_500_000,
  expiresAt: 10_000,
};

describe('file link', () => {
  it('opens what it sealed, with the claim intact', () => {
    const token = signFileLink(key, claim);
    assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.deepEqual(openFileLink(key, token, 9_999), claim);
  });

  it('is usable up to and including its expiry, refused after', () => {
    const token = signFileLink(key, claim);
    assert.deepEqual(openFileLink(key, token, 10_000), claim);
    assert.throws(() => openFileLink(key, token, 10_001), FileLinkExpiredError);
  });

  const invalid: Array<[string, (token: string) => string, Buffer?]> = [
    ['sealed with another key', (t) => t, Buffer.alloc(32, 8)],
    ['a changed claim', (t) => {
      const other = signFileLink(key, { ...claim, accountId: 'acc-2' });
      return `${other.split('.')[0]}.${t.split('.')[1]}`;
    }],
    ['a changed seal', (t) => `${t.slice(0, -2)}${t.endsWith('AA') ? 'BB' : 'AA'}`],
    ['no seal', (t) => t.split('.')[0]!],
    ['an extra part', (t) => `${t}.x`],
    ['empty', () => ''],
    ['a sealed body that is not JSON', () => {
      const body = Buffer.from('not json').toString('base64url');
      return signFileLink(key, claim).replace(/^[^.]+/, body);
    }],
  ];
  for (const [name, change, otherKey] of invalid) {
    it(`refuses ${name}`, () => {
      assert.throws(() => openFileLink(otherKey ?? key, change(signFileLink(key, claim)), 0), FileLinkInvalidError);
    });
  }

  it('refuses a well-sealed body that is not a claim', async () => {
    const { createHmac } = await import('node:crypto');
    const body = Buffer.from(JSON.stringify({ accountId: 1 })).toString('base64url');
    const seal = createHmac('sha256', key).update(body).digest('base64url');
    assert.throws(() => openFileLink(key, `${body}.${seal}`, 0), FileLinkInvalidError);
  });
});
