import assert from 'node:assert/strict';
import { ADMIN_COMMANDS } from '../../../src/domain/plans/plan-rules.ts';
import { argumentProblem, CATALOGUE_ADMIN_COMMANDS, COMMANDS, commandsFor, findCommand, helpLines } from '../../../src/commands/command-catalogue.ts';

describe('bot command catalogue', () => {
  it('names every command as both platforms accept it, once', () => {
    for (const c of COMMANDS) assert.match(c.name, /^[a-z0-9_]{1,32}$/, c.name);
    assert.equal(new Set(COMMANDS.map((c) => c.name)).size, COMMANDS.length);
    for (const c of COMMANDS) assert.ok(c.summary.length >= 3 && c.summary.length <= 100, `${c.name}: Discord wants 1-100 characters`);
  });

  it('has exactly the admin commands the plan rules refuse to other roles', () => {
    assert.deepEqual([...CATALOGUE_ADMIN_COMMANDS].sort(), [...ADMIN_COMMANDS].sort());
  });

  it('shows each caller only what it may run', () => {
    assert.deepEqual(commandsFor('unlinked').map((c) => c.name), ['start', 'help', 'link']);
    assert.ok(commandsFor('user').some((c) => c.name === 'plan'));
    assert.ok(!commandsFor('user').some((c) => c.name === 'users'));
    assert.equal(commandsFor('admin').length, COMMANDS.length);
    assert.deepEqual(helpLines('unlinked'), [
      '/start - What this bot does and how to link this chat',
      '/help - The commands you can use here',
      '/link CODE - Tie this chat to your Switchboard account with a code from the dashboard',
    ]);
  });

  it('answers wrong arguments with the usage', () => {
    const session = findCommand('session')!;
    assert.equal(argumentProblem(session, ['s1', 'stop']), null);
    assert.equal(argumentProblem(session, ['s1']), 'Usage: /session ID stop|pause|resume');
    assert.equal(argumentProblem(findCommand('plan')!, ['x']), 'Usage: /plan');
    assert.equal(findCommand('nope'), undefined);
  });
});
