/**
 * The session start budget: where the adapter warns and where it refuses
 * to spend one of the bot's last gateway session starts.
 */
import assert from 'node:assert/strict';
import { sessionStartVerdict } from '../../../../actors/platform/discord/session-start-budget.ts';

describe('sessionStartVerdict', () => {
  it('refuses within the 5 % reserve, warns under 10 %, else allows', () => {
    assert.equal(sessionStartVerdict({ total: 1000, remaining: 1000 }), 'ok');
    assert.equal(sessionStartVerdict({ total: 1000, remaining: 101 }), 'ok');
    assert.equal(sessionStartVerdict({ total: 1000, remaining: 100 }), 'low');
    assert.equal(sessionStartVerdict({ total: 1000, remaining: 51 }), 'low');
    assert.equal(sessionStartVerdict({ total: 1000, remaining: 50 }), 'refuse');
    assert.equal(sessionStartVerdict({ total: 1000, remaining: 0 }), 'refuse');
  });

  it('keeps at least one start back however small the total', () => {
    assert.equal(sessionStartVerdict({ total: 5, remaining: 1 }), 'refuse');
    assert.equal(sessionStartVerdict({ total: 5, remaining: 2 }), 'low');
    assert.equal(sessionStartVerdict({ total: 5, remaining: 3 }), 'ok');
  });
});
