import assert from 'node:assert/strict';
import { isConnected, isTerminal, nextState, type ActorEvent, type ActorState } from '../../../src/runtime-contracts/actor-state.ts';

describe('actor lifecycle', () => {
  const legal: Array<[ActorState, ActorEvent, ActorState]> = [
    ['starting', 'started', 'running'],
    ['running', 'go_idle', 'idle'],
    ['idle', 'activity', 'running'],
    ['running', 'pause', 'paused'],
    ['idle', 'pause', 'paused'],
    ['paused', 'resume', 'starting'],
    ['running', 'stop', 'stopping'],
    ['stopping', 'stopped', 'stopped'],
    ['running', 'crash', 'failed'],
    ['failed', 'restart', 'starting'],
    ['starting', 'credentials_rejected', 'revoked'],
    ['running', 'credentials_rejected', 'revoked'],
  ];
  for (const [from, event, to] of legal) {
    it(`${from} --${event}--> ${to}`, () => assert.equal(nextState(from, event), to));
  }

  it('revoked is terminal: no event leaves it', () => {
    const events: ActorEvent[] = ['started', 'go_idle', 'activity', 'pause', 'resume', 'stop', 'stopped', 'crash', 'credentials_rejected', 'restart'];
    for (const e of events) assert.equal(nextState('revoked', e), null);
    assert.equal(isTerminal('revoked'), true);
    assert.equal(isTerminal('failed'), false);
  });

  it('refuses moves that make no sense', () => {
    assert.equal(nextState('stopped', 'pause'), null);
    assert.equal(nextState('paused', 'go_idle'), null);
    assert.equal(nextState('running', 'resume'), null);
  });

  it('only running and idle actors hold a connection', () => {
    assert.deepEqual(
      (['starting', 'running', 'idle', 'paused', 'stopping', 'stopped', 'failed', 'revoked'] as const).filter(isConnected),
      ['running', 'idle'],
    );
  });
});
