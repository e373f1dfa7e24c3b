import assert from 'node:assert/strict';
import { assignOwners, ownerOf, unitHash, type Member } from '../../../src/cluster/ownership/rendezvous.ts';

const KEYS = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);

function counts(owners: Map<string, string>): Map<string, number> {
  const n = new Map<string, number>();
  for (const owner of owners.values()) n.set(owner, (n.get(owner) ?? 0) + 1);
  return n;
}

function moved(before: Map<string, string>, after: Map<string, string>): Array<[string, string, string]> {
  return [...before].filter(([k, o]) => after.get(k) !== o).map(([k, o]) => [k, o, after.get(k)!]);
}

describe('weighted rendezvous ownership', () => {
  it('draws in (0, 1), the same for the same member and key', () => {
    for (const key of KEYS.slice(0, 1_000)) {
      const u = unitHash('sup-a', key);
      assert.ok(u > 0 && u < 1, `${u} in (0, 1)`);
      assert.equal(unitHash('sup-a', key), u);
    }
    assert.notEqual(unitHash('sup-a', 'k'), unitHash('sup-b', 'k'));
    // Member and key are kept apart: ('ab', 'c') is not ('a', 'bc').
    assert.notEqual(unitHash('ab', 'c'), unitHash('a', 'bc'));
  });

  it('gives no owner without members, and everything to a lone member', () => {
    assert.equal(ownerOf('k', []), null);
    const owners = assignOwners(KEYS, [{ id: 'solo', weight: 3 }]);
    assert.equal(owners.size, KEYS.length);
    assert.deepEqual([...counts(owners)], [['solo', KEYS.length]]);
  });

  it('is deterministic whatever order the members are listed in', () => {
    const members: Member[] = [{ id: 'a', weight: 1 }, { id: 'b', weight: 2 }, { id: 'c', weight: 3 }];
    const forward = assignOwners(KEYS, members);
    const backward = assignOwners(KEYS, [...members].reverse());
    assert.deepEqual(forward, backward);
  });

  it('shares keys in proportion to weight, within 3%', () => {
    const members: Member[] = [{ id: 'a', weight: 1 }, { id: 'b', weight: 2 }, { id: 'c', weight: 5 }];
    const n = counts(assignOwners(KEYS, members));
    for (const m of members) {
      const share = (n.get(m.id) ?? 0) / KEYS.length;
      const expected = m.weight / 8;
      assert.ok(Math.abs(share - expected) < 0.03, `${m.id}: ${share.toFixed(3)} against ${expected}`);
    }
  });

  it('shares equal weights evenly, within 3%', () => {
    const members: Member[] = ['a', 'b', 'c', 'd'].map((id) => ({ id, weight: 4 }));
    for (const [, c] of counts(assignOwners(KEYS, members))) assert.ok(Math.abs(c / KEYS.length - 0.25) < 0.03, String(c));
  });

  it('a join moves about 1/(n+1) of the keys, and only to the joiner', () => {
    const three: Member[] = ['a', 'b', 'c'].map((id) => ({ id, weight: 2 }));
    const before = assignOwners(KEYS, three);
    const after = assignOwners(KEYS, [...three, { id: 'd', weight: 2 }]);
    const moves = moved(before, after);
    assert.ok(moves.every(([, , to]) => to === 'd'), 'every moved key went to the joiner');
    const share = moves.length / KEYS.length;
    assert.ok(Math.abs(share - 0.25) < 0.03, `moved ${share.toFixed(3)}, expected about 0.25`);
  });

  it('a leave moves only the leaver\'s keys, spread over the others', () => {
    const four: Member[] = ['a', 'b', 'c', 'd'].map((id) => ({ id, weight: 2 }));
    const before = assignOwners(KEYS, four);
    const after = assignOwners(KEYS, four.filter((m) => m.id !== 'b'));
    const moves = moved(before, after);
    assert.ok(moves.every(([, from]) => from === 'b'), 'only the leaver\'s keys moved');
    assert.equal(moves.length, [...before.values()].filter((o) => o === 'b').length, 'all of them');
    const to = counts(new Map(moves.map(([k, , t]) => [k, t])));
    for (const id of ['a', 'c', 'd']) assert.ok(Math.abs((to.get(id) ?? 0) / moves.length - 1 / 3) < 0.05, `${id} took ${to.get(id)}`);
  });

  it('a change of one member\'s weight moves keys only between it and the others, in the direction of the change', () => {
    const members: Member[] = ['a', 'b', 'c'].map((id) => ({ id, weight: 2 }));
    const before = assignOwners(KEYS, members);
    const after = assignOwners(KEYS, members.map((m) => (m.id === 'a' ? { ...m, weight: 4 } : m)));
    assert.ok(moved(before, after).every(([, , to]) => to === 'a'), 'a heavier member only gains');
  });
});
