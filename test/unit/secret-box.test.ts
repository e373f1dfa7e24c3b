import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseKeyring } from '../../src/crypto/keyring.ts';
import { columnContext, envelopeKeyId, openSecret, sealSecret } from '../../src/crypto/secret-box.ts';
import { SwitchboardError } from '../../src/errors/switchboard-error.ts';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const onlyA = parseKeyring(`a:${KEY_A}`);
const aThenB = parseKeyring(`a:${KEY_A},b:${KEY_B}`);
const CONTEXT = columnContext('telegram_accounts', 'session_ciphertext', '0b6f3c1e-0000-4000-8000-000000000001');
const SECRET = '1BVtsOK8Bu3l-session-string==';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SwitchboardError, `expected a SwitchboardError, got ${String(err)}`);
    assert.ok(!err.message.includes(SECRET), 'error message leaks the plaintext');
    return err.code;
  }
  assert.fail('expected an error');
}

/** Flips one bit of a base64url part of the envelope, keeping it canonical. */
function flipPart(envelope: string, part: number): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[0]! ^= 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('secret box', () => {
  it('round-trips ordinary, empty and unicode strings', () => {
    for (const text of [SECRET, '', 'ключ 🔑 日本語 e\u0301', 'x'.repeat(10_000)]) {
      assert.equal(openSecret(onlyA, sealSecret(onlyA, text, CONTEXT), CONTEXT), text);
    }
  });

  it('writes the documented v1 envelope and names its key', () => {
    const envelope = sealSecret(aThenB, SECRET, CONTEXT);
    assert.match(envelope, /^v1\.b\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    assert.equal(envelopeKeyId(envelope), 'b');
    assert.ok(!envelope.includes(SECRET));
  });

  it('uses a fresh nonce for every value', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 200; i++) nonces.add(sealSecret(onlyA, SECRET, CONTEXT).split('.')[2]!);
    assert.equal(nonces.size, 200);
  });

  it('detects tampering with the nonce, ciphertext and tag', () => {
    const envelope = sealSecret(onlyA, SECRET, CONTEXT);
    for (const part of [2, 3, 4]) assert.equal(codeOf(() => openSecret(onlyA, flipPart(envelope, part), CONTEXT)), 'secret_tampered');
  });

  it('detects a key id relabelled to another configured key', () => {
    const envelope = sealSecret(onlyA, SECRET, CONTEXT);
    assert.equal(codeOf(() => openSecret(aThenB, envelope.replace(/^v1\.a\./, 'v1.b.'), CONTEXT)), 'secret_tampered');
  });

  it('refuses a ciphertext moved to another row or column', () => {
    const envelope = sealSecret(onlyA, SECRET, CONTEXT);
    const otherRow = columnContext('telegram_accounts', 'session_ciphertext', '0b6f3c1e-0000-4000-8000-000000000002');
    const otherColumn = columnContext('discord_accounts', 'token_ciphertext', '0b6f3c1e-0000-4000-8000-000000000001');
    assert.equal(codeOf(() => openSecret(onlyA, envelope, otherRow)), 'secret_tampered');
    assert.equal(codeOf(() => openSecret(onlyA, envelope, otherColumn)), 'secret_tampered');
  });

  it('reports an unknown key id', () => {
    const envelope = sealSecret(aThenB, SECRET, CONTEXT);
    assert.equal(codeOf(() => openSecret(onlyA, envelope, CONTEXT)), 'secret_key_unknown');
  });

  it('reports garbage as malformed', () => {
    const good = sealSecret(onlyA, SECRET, CONTEXT);
    const [, , nonce, ct, tag] = good.split('.');
    const bad = [
      '', SECRET, 'v1', 'v1.a', `v2.a.${nonce}.${ct}.${tag}`, `v1..${nonce}.${ct}.${tag}`,
      `v1.a.${nonce}.${ct}`, `v1.a.${nonce}.${ct}.${tag}.x`, `v1.a.${nonce!.slice(1)}.${ct}.${tag}`,
      `v1.a.${nonce}.${ct}.${tag!.slice(1)}`, `v1.a.${nonce}.${ct}=.${tag}`, `v1.a.${nonce}.${ct}.${tag!.slice(0, -1)}B`,
      ` ${good}`, `${good}\n`,
    ];
    for (const envelope of bad) {
      assert.equal(codeOf(() => openSecret(onlyA, envelope, CONTEXT)), 'secret_malformed', JSON.stringify(envelope));
    }
    assert.equal(codeOf(() => envelopeKeyId('not an envelope')), 'secret_malformed');
  });

  it('still opens old-key envelopes after a new current key is added', () => {
    const old = sealSecret(onlyA, SECRET, CONTEXT);
    assert.equal(aThenB.current, 'b');
    assert.equal(openSecret(aThenB, old, CONTEXT), SECRET);
    assert.equal(envelopeKeyId(sealSecret(aThenB, SECRET, CONTEXT)), 'b');
  });

  it('refuses plaintext that UTF-8 cannot carry unchanged', () => {
    assert.throws(() => sealSecret(onlyA, 'x\uD800', CONTEXT), TypeError);
  });

  it('property: open(seal(x)) === x for any well-formed string and context', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ unit: 'grapheme' }), (text, context) => {
        assert.equal(openSecret(aThenB, sealSecret(aThenB, text, context), context), text);
      }),
    );
  });

  it('property: any one-character change never opens', () => {
    const envelope = sealSecret(onlyA, SECRET, CONTEXT);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(fc.nat(envelope.length - 1), fc.constantFrom(...alphabet), (at, ch) => {
        fc.pre(envelope[at] !== ch);
        const changed = envelope.slice(0, at) + ch + envelope.slice(at + 1);
        const code = codeOf(() => openSecret(aThenB, changed, CONTEXT));
        assert.ok(['secret_tampered', 'secret_malformed', 'secret_key_unknown'].includes(code));
      }),
      { numRuns: 500 },
    );
  });
});
