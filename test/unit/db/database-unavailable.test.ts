import assert from 'node:assert/strict';
import { isDatabaseUnavailable } from '../../../src/db/database-unavailable.ts';

function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it('a server that cannot be reached, or went away mid-session', () => {
    assert.ok(isDatabaseUnavailable(coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')));
    assert.ok(isDatabaseUnavailable(coded('read ECONNRESET', 'ECONNRESET')));
    assert.ok(isDatabaseUnavailable(coded('terminating connection due to administrator command', '57P01')), 'fast shutdown');
    assert.ok(isDatabaseUnavailable(coded('the database system is starting up', '57P03')));
    assert.ok(isDatabaseUnavailable(coded('sorry, too many clients already', '53300')));
    assert.ok(isDatabaseUnavailable(coded('connection failure', '08006')), 'class 08');
    assert.ok(isDatabaseUnavailable(new Error('Connection terminated unexpectedly')), 'node-postgres, no code');
    assert.ok(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect')));
  });

  it('looks through causes and aggregate errors', () => {
    assert.ok(isDatabaseUnavailable(new Error('query failed', { cause: coded('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED') })));
    assert.ok(isDatabaseUnavailable(new AggregateError([coded('a', 'ECONNREFUSED'), coded('b', 'ECONNREFUSED')], 'connect failed')));
    const named = Object.assign(new Error('wrapped'), { name: 'ConnectionException' });
    assert.ok(isDatabaseUnavailable(named), "MikroORM's ConnectionException");
  });

  it('an answer from the server is not an outage: it would fail the same way again', () => {
    assert.equal(isDatabaseUnavailable(coded('duplicate key value violates unique constraint', '23505')), false);
    assert.equal(isDatabaseUnavailable(coded('relation "x" does not exist', '42P01')), false);
    assert.equal(isDatabaseUnavailable(coded('canceling statement due to statement timeout', '57014')), false);
    assert.equal(isDatabaseUnavailable(new Error('no plan loaded for user u1')), false);
    assert.equal(isDatabaseUnavailable('ECONNREFUSED'), false, 'only errors');
    assert.equal(isDatabaseUnavailable(null), false);
  });
});
