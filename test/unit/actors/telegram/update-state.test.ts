/**
 * pts sequencing: an update applies when it follows the local pts, is a
 * duplicate at or before it, and shows a gap past it; channels each keep
 * their own pts.
 */
import assert from 'node:assert/strict';
import { UpdateState } from '../../../../actors/platform/telegram/update-state.ts';

describe('UpdateState', () => {
  it('applies everything before the first state is known', () => {
    const s = new UpdateState();
    assert.equal(s.common, null);
    assert.equal(s.checkCommon(50, 1), 'apply');
    s.applyCommon(50);
    assert.equal(s.common, null, 'nothing to move yet');
  });

  it('tells apply, duplicate and gap apart in the common box', () => {
    const s = new UpdateState();
    s.setCommon({ pts: 10, qts: 0, date: 1000, seq: 0 });
    assert.equal(s.checkCommon(11, 1), 'apply');
    assert.equal(s.checkCommon(12, 2), 'apply', 'a delete of two messages');
    assert.equal(s.checkCommon(10, 1), 'duplicate');
    assert.equal(s.checkCommon(9, 1), 'duplicate');
    assert.equal(s.checkCommon(12, 1), 'gap');
    s.applyCommon(11);
    assert.equal(s.common!.pts, 11);
    s.applyCommon(5);
    assert.equal(s.common!.pts, 11, 'never backwards');
  });

  it('keeps the latest date and seq for getDifference', () => {
    const s = new UpdateState();
    s.setCommon({ pts: 1, qts: 2, date: 1000, seq: 3 });
    s.noteDate(900, 1);
    s.noteDate(1100, 0);
    assert.deepEqual(s.common, { pts: 1, qts: 2, date: 1100, seq: 3 });
    s.noteDate(1200, 7);
    assert.equal(s.common!.seq, 7);
  });

  it('follows each channel on its own, adopting the first pts it sees', () => {
    const s = new UpdateState();
    assert.equal(s.checkChannel('1', 40, 1), 'apply');
    s.applyChannel('1', 40);
    s.setChannel('2', 5);
    assert.equal(s.checkChannel('1', 41, 1), 'apply');
    assert.equal(s.checkChannel('1', 43, 1), 'gap');
    assert.equal(s.checkChannel('2', 5, 1), 'duplicate');
    assert.equal(s.channelPts('2'), 5);
    s.retainChannels(new Set(['2']));
    assert.equal(s.channelPts('1'), undefined);
    assert.equal(s.channelCount, 1);
  });
});
