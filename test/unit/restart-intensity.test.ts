import assert from 'node:assert/strict';
import { RestartIntensity } from '../../src/cluster/restart-intensity.ts';

describe('restart intensity', () => {
  it('allows maxRestarts within the period and refuses the next', () => {
    const r = new RestartIntensity(3, 1_000);
    assert.deepEqual([0, 100, 200].map((t) => r.allow(t)), [true, true, true]);
    assert.equal(r.allow(300), false);
  });

  it('forgets restarts older than the period', () => {
    const r = new RestartIntensity(2, 1_000);
    assert.equal(r.allow(0), true);
    assert.equal(r.allow(500), true);
    assert.equal(r.allow(1_000), true, 'the restart at 0 left the window');
    assert.equal(r.allow(1_200), false);
    assert.equal(r.recent, 3);
  });

  it('a zero intensity escalates on the first failure', () => {
    assert.equal(new RestartIntensity(0, 1_000).allow(0), false);
  });
});
