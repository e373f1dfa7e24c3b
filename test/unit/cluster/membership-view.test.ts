import assert from 'node:assert/strict';
import { membershipView, parseMemberEntry, sameView } from '../../../src/cluster/ownership/membership-view.ts';

const self = { id: 'sup-b', weight: 4 };

describe('membership view', () => {
  it('counts itself even before its own entry is read', () => {
    assert.deepEqual(membershipView([], self), [self]);
    assert.deepEqual(membershipView([{ id: 'sup-a', weight: 2 }], self), [{ id: 'sup-a', weight: 2 }, self]);
  });

  it('takes its own weight over what it read of itself, and sorts by id', () => {
    const view = membershipView([{ id: 'sup-c', weight: 1 }, { id: 'sup-b', weight: 99 }, { id: 'sup-a', weight: 2 }], self);
    assert.deepEqual(view.map((m) => m.id), ['sup-a', 'sup-b', 'sup-c']);
    assert.equal(view[1]!.weight, 4);
  });

  it('leaves out entries that did not parse or have no usable weight', () => {
    const view = membershipView([null, { id: 'x', weight: 0 }, { id: 'y', weight: Number.NaN }, { id: 'z', weight: Infinity }], self);
    assert.deepEqual(view, [self]);
  });

  it('parses a stored entry, and nothing else', () => {
    assert.deepEqual(parseMemberEntry('sup-a', '{"weight":3}'), { id: 'sup-a', weight: 3 });
    for (const bad of [null, undefined, '', 'nope', '{}', '{"weight":"3"}', '{"weight":-1}', 'null']) {
      assert.equal(parseMemberEntry('sup-a', bad), null, String(bad));
    }
  });

  it('tells a changed view from the same one', () => {
    const a = [{ id: 'a', weight: 1 }, { id: 'b', weight: 2 }];
    assert.equal(sameView(a, [{ id: 'a', weight: 1 }, { id: 'b', weight: 2 }]), true);
    assert.equal(sameView(a, [{ id: 'a', weight: 1 }]), false, 'a member left');
    assert.equal(sameView(a, [{ id: 'a', weight: 1 }, { id: 'c', weight: 2 }]), false, 'another member');
    assert.equal(sameView(a, [{ id: 'a', weight: 1 }, { id: 'b', weight: 3 }]), false, 'a weight changed');
  });
});
