import assert from 'node:assert/strict';
import { resolveId } from '../../../src/cli/locate-target.ts';
import { shortIds } from '../../../src/cli/format/sessions-view.ts';

describe('CLI: short ids', () => {
  const ids = ['0b6f9c2e-6a3f-4c1e-9d3a-2f6f1f0f2a11', '0b6f9c2e-7777-4c1e-9d3a-2f6f1f0f2a11', '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f'];

  it('shows 8 characters, more where two ids begin alike, each unique', () => {
    const short = shortIds(ids);
    assert.equal(short.get(ids[2]!), '7c1d2e3f');
    assert.equal(short.get(ids[0]!), '0b6f9c2e-6a3');
    assert.equal(short.get(ids[1]!), '0b6f9c2e-777');
    assert.equal(new Set(short.values()).size, 3);
  });

  it('takes a whole id, or with prefix on, the one id a prefix of 4 or more begins', () => {
    assert.equal(resolveId(ids, ids[0]!, 'session'), ids[0]);
    assert.equal(resolveId(ids, '7c1d', 'session'), null, 'prefixes only when asked (the API wants whole ids)');
    assert.equal(resolveId(ids, '7c1d', 'session', { prefix: true }), ids[2]);
    assert.equal(resolveId(ids, '7c1', 'session', { prefix: true }), null, 'too short');
    assert.equal(resolveId(ids, 'ffff', 'session', { prefix: true }), null);
    assert.throws(() => resolveId(ids, '0b6f9c2e', 'session', { prefix: true }), {
      code: 'id_ambiguous',
      message: `"0b6f9c2e" begins more than one session id (${ids[0]}, ${ids[1]}); give more of it`,
    });
  });
});
