import assert from 'node:assert/strict';
import { unstorableText } from '../../../src/api/http/storable-text.ts';

describe('api: text no store takes', () => {
  it('passes ordinary text, emoji and surrogate pairs included', () => {
    assert.deepEqual(unstorableText({ name: 'caf\u00e9 \u{1F600}', list: ['a', 1, null, true], nested: { deep: 'ok' } }), []);
  });
  it('names the path of a NUL and of a lone surrogate, high or low', () => {
    assert.deepEqual(unstorableText({ a: 'x\u0000', b: ['ok', '\ud800'], c: { d: 'x\udc00y' } }), [
      { path: 'a', message: 'must not contain NUL characters (\\u0000)' },
      { path: 'b.1', message: 'must be valid Unicode (a lone surrogate cannot be stored)' },
      { path: 'c.d', message: 'must be valid Unicode (a lone surrogate cannot be stored)' },
    ]);
  });
  it('checks keys too, without echoing what cannot be shown', () => {
    assert.deepEqual(unstorableText({ ['k\u0000']: 1 }), [{ path: 'k?', message: 'key must not contain NUL characters (\\u0000)' }]);
  });
  it('refuses nesting deeper than 64 levels instead of walking it', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 70; i++) deep = [deep];
    assert.deepEqual(unstorableText(deep).map((i) => i.message), ['is nested deeper than 64 levels']);
  });
  it('stops at ten problems', () => {
    assert.equal(unstorableText(Array.from({ length: 50 }, () => '\u0000')).length, 10);
  });
});
