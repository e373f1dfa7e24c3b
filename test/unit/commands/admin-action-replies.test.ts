import assert from 'node:assert/strict';
import {
  deadLettersReply, planChangeReply, reassignReply, replayReply, sessionActionReply, userStatusReply,
} from '../../../src/commands/replies/admin-action-replies.ts';
import type { DeadLetter } from '../../../src/scheduler/store/task-codec.ts';

const NOW = Date.UTC(2026, 11, 6, 12);
const letter = (id: string, agoMs: number): DeadLetter => ({
  task: { id, pairId: 'p1', tier: 'free' } as DeadLetter['task'], error: 'Missing Permissions', reason: 'permanent' as DeadLetter['reason'], deadAt: NOW - agoMs,
});

describe('bot replies to admin actions', () => {
  it('names the session as code and the supervisor that acted', () => {
    const stopped = sessionActionReply('tg-1', 'stop', 'sup-a');
    assert.equal(stopped.text, 'Session tg-1 stopped on sup-a.');
    assert.deepEqual(stopped.entities, [{ type: 'code', offset: 8, length: 4 }]);
    assert.equal(sessionActionReply('tg-1', 'resume', 'sup-a').text, 'Session tg-1 resumed on sup-a.');
    assert.equal(reassignReply('tg-1', 'w2', 'sup-a').text, 'Session tg-1 moved to w2 on sup-a.');
  });

  it('lists dead letters with their age, says when there are more, and when there are none', () => {
    assert.equal(deadLettersReply('sup-a', [], 10, NOW).text, 'No dead letters on sup-a.');
    const ages = [5 * 60_000, 3 * 3_600_000, 4 * 86_400_000];
    const shown = deadLettersReply('sup-a', ages.map((ms, i) => letter(`t${i}`, ms)), 2, NOW).text.split('\n');
    assert.deepEqual(shown, [
      'Dead letters on sup-a, oldest first',
      't0 · pair p1 · free · permanent · 5 min ago: Missing Permissions',
      't1 · pair p1 · free · permanent · 3 h ago: Missing Permissions',
      '… and more: /v1/admin/dead-letters lists them all.',
      '/dead_letters replay ID puts one back in the queue; /dead_letters replay all, every one.',
    ]);
    assert.match(deadLettersReply('sup-a', [letter('t9', 4 * 86_400_000)], 2, NOW).text, /4 days ago/);
  });

  it('reports a replay with what was missing or left alone', () => {
    assert.equal(replayReply({ replayed: ['a', 'b'], missing: [], conflicting: [] }).text, 'Replayed 2.');
    assert.equal(replayReply({ replayed: [], missing: ['x'], conflicting: ['y'] }).text,
      'Replayed 0. Not dead letters (unknown or replayed already): x. Left alone, a pending task has the same id: y.');
  });

  it('says whether a status changed, and what a plan change paused', () => {
    assert.equal(userStatusReply('a@b.c', 'suspended', true).text, 'a@b.c is suspended now.');
    assert.equal(userStatusReply('a@b.c', 'active', false).text, 'a@b.c was active already.');
    assert.equal(planChangeReply('a@b.c', 'elite', 0, 0).text, 'a@b.c is on elite now.');
    assert.equal(planChangeReply('a@b.c', 'free', 3, 1).text, 'a@b.c is on free now. Over the new limits, paused: 3 pairs, 1 account.');
  });
});
