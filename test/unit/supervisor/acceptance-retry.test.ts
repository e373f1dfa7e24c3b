import assert from 'node:assert/strict';
import { acceptWithRetry } from '../../../supervisor/acceptance-retry.ts';

describe('acceptWithRetry', () => {
  it('makes the first try synchronously and tries again until it succeeds', async () => {
    let tries = 0;
    const failures: unknown[] = [];
    const done = acceptWithRetry(async () => {
      tries += 1;
      if (tries < 4) throw new Error(`refused ${tries}`);
    }, { initialDelayMs: 1, maxDelayMs: 4, stopped: () => false, onFailure: (e) => failures.push(e) });
    assert.equal(tries, 1, 'the first try ran before acceptWithRetry returned');
    await done;
    assert.equal(tries, 4);
    assert.equal(failures.length, 3);
  });

  it('gives up with the last error once stopped', async () => {
    let stopped = false;
    let tries = 0;
    const done = acceptWithRetry(async () => {
      tries += 1;
      if (tries === 2) stopped = true;
      throw new Error(`refused ${tries}`);
    }, { initialDelayMs: 1, stopped: () => stopped, onFailure: () => {} });
    await assert.rejects(done, /refused 2/);
    assert.equal(tries, 2);
  });

  it('rejects at once a failure that is not worth another try', async () => {
    let tries = 0;
    const failures: unknown[] = [];
    const done = acceptWithRetry(async () => {
      tries += 1;
      throw new Error(tries === 1 ? 'unreachable' : 'refused for good');
    }, { initialDelayMs: 1, stopped: () => false, onFailure: (e) => failures.push(e), retryable: (e) => (e as Error).message === 'unreachable' });
    await assert.rejects(done, /refused for good/);
    assert.equal(tries, 2);
    assert.equal(failures.length, 1);
  });
});
