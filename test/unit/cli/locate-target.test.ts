import assert from 'node:assert/strict';
import { redisTarget } from '../../../src/cli/admin-redis.ts';
import { findSessionOwner, findWorkerOwner, requireSupervisors } from '../../../src/cli/locate-target.ts';
import {
  NoSupervisorRunningError, SessionNotFoundError, SupervisorNotFoundError, WorkerNotFoundError,
} from '../../../src/errors/registry.ts';
import { snapshotA, snapshotB } from '../../helpers/snapshot-fixtures.ts';

const NOW = 1_800_000_000_000;

describe('CLI target lookup', () => {
  const snapshots = [snapshotA(NOW), snapshotB(NOW)];

  it('finds the supervisor owning a session or a worker', () => {
    assert.equal(findSessionOwner(snapshots, 'tg-bob').supervisorId, 'sup-a');
    assert.equal(findSessionOwner(snapshots, 'tg-frank').supervisorId, 'sup-b');
    assert.equal(findWorkerOwner(snapshots, 'w-b1').supervisorId, 'sup-b');
  });

  it('prefers the supervisor that has a moving session on a worker', () => {
    const b = snapshotB(NOW + 500);
    b.sessions.push({ ...snapshotA(NOW).sessions[0]!, workerId: null, threadIndex: null, state: 'queued', queuedReason: 'lease held elsewhere' });
    assert.equal(findSessionOwner([snapshotA(NOW), b], 'tg-alice').supervisorId, 'sup-a');
  });

  it('names unknown ids in the message', () => {
    assert.throws(() => findSessionOwner(snapshots, 'abc'), (e: unknown) =>
      e instanceof SessionNotFoundError && e.message === 'no session "abc" in any running supervisor');
    assert.throws(() => findWorkerOwner(snapshots, 'w9'), (e: unknown) =>
      e instanceof WorkerNotFoundError && e.code === 'worker_not_found' && e.message.includes('"w9"'));
  });

  it('requires a running supervisor, and the named one', () => {
    assert.throws(() => requireSupervisors([], 'redis://x'), NoSupervisorRunningError);
    assert.throws(() => requireSupervisors(snapshots, 'redis://x', 'sup-z'), SupervisorNotFoundError);
    requireSupervisors(snapshots, 'redis://x', 'sup-b');
  });

  it('falls back to the embedded redis-server when REDIS_URL is unset, and says so', () => {
    const t = redisTarget({ REDIS_URL: undefined, REDIS_KEY_PREFIX: 'sb:', EMBEDDED_REDIS_PORT: 63799 });
    assert.equal(t.url, 'redis://127.0.0.1:63799');
    assert.equal(t.defaulted, true);
    assert.match(t.description, /REDIS_URL is unset/);
    const ext = redisTarget({ REDIS_URL: 'redis://:secret@cache:6379', REDIS_KEY_PREFIX: 'p:', EMBEDDED_REDIS_PORT: 63799 });
    assert.equal(ext.defaulted, false);
    assert.equal(ext.description, 'redis://:***@cache:6379 (key prefix "p:")');
  });
});
