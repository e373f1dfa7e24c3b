/**
 * The update state kept in the cursor map: written under keys no chat id
 * takes, read back into a state, and only what moved is checkpointed.
 */
import assert from 'node:assert/strict';
import { UpdateState } from '../../../../actors/platform/telegram/update-state.ts';
import {
  changedEntries, chatPositions, isStateKey, restoreState, stateEntries,
} from '../../../../actors/platform/telegram/update-state-cursor.ts';

describe('update state in the cursor', () => {
  it('writes nothing before the common state is known', () => {
    const s = new UpdateState();
    s.setChannel('77', 5);
    assert.deepEqual(stateEntries(s), {});
  });

  it('writes the common state and each channel\'s pts, and reads them back', () => {
    const s = new UpdateState();
    s.setCommon({ pts: 120, qts: 3, date: 1_700_000_000, seq: 9 });
    s.setChannel('1800000001', 44);
    s.setChannel('1800000002', 0);
    const entries = stateEntries(s);
    assert.deepEqual(entries, { '~pts': '120', '~qts': '3', '~date': '1700000000', '~ch:1800000001': '44' }, 'an empty channel (pts 0) is not kept');
    const back = new UpdateState();
    assert.equal(restoreState(back, { ...entries, '-1001800000001': '17', '42': '9' }), true);
    assert.deepEqual(back.common, { pts: 120, qts: 3, date: 1_700_000_000, seq: 0 });
    assert.deepEqual(back.channels(), [['1800000001', 44]]);
  });

  it('reads no state from a cursor of chat positions only, or a broken one', () => {
    assert.equal(restoreState(new UpdateState(), { '-1001800000001': '17' }), false);
    assert.equal(restoreState(new UpdateState(), { '~pts': '0', '~date': '5' }), false, 'pts 0 is "none"');
    assert.equal(restoreState(new UpdateState(), { '~pts': '12' }), false, 'getDifference needs a date');
    assert.equal(restoreState(new UpdateState(), { '~pts': 'x', '~date': '5' }), false);
    const s = new UpdateState();
    assert.equal(restoreState(s, { '~pts': '12', '~date': '5', '~ch:abc': '4', '~ch:9': '-1' }), true);
    assert.deepEqual(s.common, { pts: 12, qts: 0, date: 5, seq: 0 });
    assert.equal(s.channelCount, 0, 'malformed channel entries are ignored');
  });

  it('keeps state keys apart from chat ids', () => {
    for (const chatId of ['42', '-9', '-1001800000001']) assert.equal(isStateKey(chatId), false);
    assert.equal(isStateKey('~pts'), true);
    assert.deepEqual(chatPositions({ '~pts': '1', '~ch:5': '2', '-9': '3' }), { '-9': '3' });
  });

  it('checkpoints only the entries that moved', () => {
    assert.deepEqual(changedEntries({ '~pts': '5', '~date': '9' }, { '~pts': '6', '~date': '9', '~ch:1': '2' }), { '~pts': '6', '~ch:1': '2' });
    assert.deepEqual(changedEntries({ '~pts': '5' }, { '~pts': '5' }), {});
  });
});
