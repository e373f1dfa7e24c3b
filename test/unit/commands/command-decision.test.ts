import assert from 'node:assert/strict';
import { decideCommand, type CommandCaller, type CommandDecision } from '../../../src/commands/command-decision.ts';

const unlinked: CommandCaller = { kind: 'unlinked' };
const user: CommandCaller = { kind: 'user', userId: 'u1' };
const admin: CommandCaller = { kind: 'admin', userId: 'a1' };

const text = (d: CommandDecision): string => (d.kind === 'reply' ? d.reply.text : d.kind);

describe('bot command decision', () => {
  it('ignores what is not a command for this bot', () => {
    assert.deepEqual(decideCommand('hello', user), { kind: 'ignore' });
    assert.deepEqual(decideCommand('/plan@other_bot', user, 'switchboard_bot'), { kind: 'ignore' });
  });

  it('answers every refusal with a reply saying why', () => {
    assert.equal(text(decideCommand('/users "x', admin)), 'I could not read that: a quote is not closed.\n/help lists the commands you can use.');
    assert.equal(text(decideCommand('/nope', user)), 'There is no /nope command.\n/help lists the commands you can use.');
    assert.equal(text(decideCommand('/plan', unlinked)), '/plan needs this chat linked to your Switchboard account.\nGet a code on the dashboard (Sign-ins and keys), then send /link CODE here.');
    assert.equal(text(decideCommand('/users', unlinked)), '/users needs this chat linked to your Switchboard account.\nGet a code on the dashboard (Sign-ins and keys), then send /link CODE here.');
    assert.equal(text(decideCommand('/users', user)), '/users is for administrators.\n/help lists the commands you can use.');
    assert.equal(text(decideCommand('/link', unlinked)), 'Usage: /link CODE');
    assert.equal(text(decideCommand('/session s1 stop now', admin)), 'Usage: /session ID stop|pause|resume');
  });

  it('answers /help with what this caller may run, and /start with the next step', () => {
    const forUser = text(decideCommand('/help', user));
    assert.match(forUser, /^Commands\n\/start/);
    assert.match(forUser, /\/plan - /);
    assert.doesNotMatch(forUser, /\/users/);
    assert.match(text(decideCommand('/help', admin)), /\/users \[SEARCH\] - Find users by email/);
    assert.match(text(decideCommand('/start', unlinked)), /send \/link CODE/);
  });

  it('hands a well-formed command the caller may run to the runner', () => {
    const d = decideCommand('/pairs pause "team news"', user);
    assert.equal(d.kind, 'run');
    assert.deepEqual(d.kind === 'run' ? [d.command.name, d.args] : null, ['pairs', ['pause', 'team news']]);
    assert.equal(decideCommand('/link ABC123', unlinked).kind, 'run');
    assert.equal(decideCommand('/workers', admin).kind, 'run');
  });
});
