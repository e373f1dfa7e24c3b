import assert from 'node:assert/strict';
import { persistenceProblems, summary, uncheckedMessage, type RedisPersistenceSettings } from '../../../src/infra/redis-persistence-rules.ts';

const SAFE: RedisPersistenceSettings = { appendonly: 'yes', appendfsync: 'everysec', maxmemoryPolicy: 'noeviction' };

function messages(settings: Partial<RedisPersistenceSettings>): string[] {
  return persistenceProblems({ ...SAFE, ...settings }).map((p) => p.message);
}

describe('Redis persistence rules', () => {
  it('finds nothing wrong with what production needs, nor with appendfsync always', () => {
    assert.deepEqual(messages({}), []);
    assert.deepEqual(messages({ appendfsync: 'always' }), []);
    assert.deepEqual(messages({ appendonly: 'YES', maxmemoryPolicy: 'NoEviction' }), [], 'Redis reads its settings case-insensitively');
  });

  it('appendonly no: restarts lose what was written since the snapshot (and its fsync policy is not judged)', () => {
    assert.deepEqual(messages({ appendonly: 'no', appendfsync: 'no' }), [
      'Redis runs with appendonly no: a restart of Redis loses the forwarding tasks, cursors and leases written since its last snapshot; set appendonly yes',
    ]);
  });

  it('appendfsync no: a host crash loses what the kernel held', () => {
    assert.deepEqual(messages({ appendfsync: 'no' }), [
      'Redis runs with appendfsync no: a crash of its host loses whatever the kernel had not yet written (often 30 s of accepted forwarding tasks); set appendfsync everysec',
    ]);
  });

  it('an evicting maxmemory-policy: a full Redis deletes tasks and leases', () => {
    assert.deepEqual(messages({ maxmemoryPolicy: 'allkeys-lru' }), [
      'Redis runs with maxmemory-policy allkeys-lru: when full it deletes keys to make room, pending forwarding tasks and leases among them; set maxmemory-policy noeviction',
    ]);
    assert.equal(messages({ maxmemoryPolicy: 'volatile-ttl' }).length, 1, 'leases and cursors carry expiries too');
  });

  it('a setting the server did not report is named as unchecked', () => {
    assert.deepEqual(messages({ appendonly: null, maxmemoryPolicy: null }), [
      'Redis did not report appendonly, so it could not be checked: make sure the server runs with appendonly yes',
      'Redis did not report maxmemory-policy, so it could not be checked: make sure the server runs with maxmemory-policy noeviction',
    ]);
    assert.deepEqual(messages({ appendfsync: null }), [
      'Redis did not report appendfsync, so it could not be checked: make sure the server runs with appendfsync everysec',
    ]);
  });

  it('every problem at once, in a fixed order, summed up on one line', () => {
    const problems = persistenceProblems({ appendonly: 'yes', appendfsync: 'no', maxmemoryPolicy: 'allkeys-random' });
    assert.deepEqual(problems.map((p) => p.setting), ['appendfsync', 'maxmemory-policy']);
    assert.equal(summary(problems), 'appendfsync is no, needs everysec; maxmemory-policy is allkeys-random, needs noeviction');
    assert.equal(summary(persistenceProblems({ ...SAFE, appendonly: null })), 'appendonly is unreported, needs yes');
  });

  it('a server that will not say (CONFIG renamed or refused)', () => {
    assert.equal(uncheckedMessage("ERR unknown command 'CONFIG'"),
      "Redis persistence could not be checked (CONFIG GET refused: ERR unknown command 'CONFIG'): make sure the server runs with appendonly yes, appendfsync everysec, maxmemory-policy noeviction");
  });
});
