import assert from 'node:assert/strict';
import { LINK_CODE_LENGTH, newLinkCode, normalizeLinkCode } from '../../../src/commands/link-code.ts';

describe('chat link codes (pure)', () => {
  it('makes XXXX-XXXX codes of Crockford base32, each different', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newLinkCode()));
    assert.equal(codes.size, 200);
    for (const code of codes) assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  });

  it('reads a typed code whatever its case, spaces and dashes, and I, L, O as 1, 1, 0', () => {
    assert.equal(normalizeLinkCode('ab12-cd34'), 'AB12CD34');
    assert.equal(normalizeLinkCode(' AB12 CD34 '), 'AB12CD34');
    assert.equal(normalizeLinkCode('a b 1 2 c d 3 4'), 'AB12CD34');
    assert.equal(normalizeLinkCode('OIL0-0000'), '01100000');
    const code = newLinkCode();
    assert.equal(normalizeLinkCode(code)?.length, LINK_CODE_LENGTH);
  });

  it('refuses what cannot be a code', () => {
    for (const typed of ['', 'AB12CD3', 'AB12CD345', 'AB12CDU4', 'AB12-CD3!', 'ÅB12CD34', '\u0000B12CD34']) {
      assert.equal(normalizeLinkCode(typed), null, typed);
    }
  });
});
