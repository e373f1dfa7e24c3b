import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MAX_COMMAND_TEXT, parseCommand } from '../../../src/commands/command-text.ts';

describe('bot command text', () => {
  it('reads the name and arguments, lower-casing the name', () => {
    assert.deepEqual(parseCommand('/Plan'), { kind: 'command', command: { name: 'plan', args: [] } });
    assert.deepEqual(parseCommand('  /pairs   pause  news\n'), { kind: 'command', command: { name: 'pairs', args: ['pause', 'news'] } });
  });

  it('keeps quoted arguments together, with \\" inside', () => {
    assert.deepEqual(parseCommand('/pairs pause "team news" x'), { kind: 'command', command: { name: 'pairs', args: ['pause', 'team news', 'x'] } });
    assert.deepEqual(parseCommand('/users "say \\"hi\\""'), { kind: 'command', command: { name: 'users', args: ['say "hi"'] } });
    assert.deepEqual(parseCommand('/users ""'), { kind: 'command', command: { name: 'users', args: [''] } });
  });

  it('takes /name@this_bot, and leaves /name@another_bot and plain text alone', () => {
    assert.deepEqual(parseCommand('/plan@Switchboard_Bot', 'switchboard_bot'), { kind: 'command', command: { name: 'plan', args: [] } });
    assert.deepEqual(parseCommand('/plan@other_bot now', 'switchboard_bot'), { kind: 'not_for_us' });
    assert.deepEqual(parseCommand('hello /plan'), { kind: 'not_for_us' });
  });

  it('says why a command cannot be read', () => {
    assert.deepEqual(parseCommand('/'), { kind: 'malformed', reason: 'a command is a slash and a name of letters, digits and _, e.g. /plan' });
    assert.deepEqual(parseCommand('/pl-an'), { kind: 'malformed', reason: 'a command is a slash and a name of letters, digits and _, e.g. /plan' });
    assert.deepEqual(parseCommand('/users "open'), { kind: 'malformed', reason: 'a quote is not closed' });
    assert.deepEqual(parseCommand(`/users ${'x'.repeat(MAX_COMMAND_TEXT)}`), { kind: 'malformed', reason: `a command is at most ${MAX_COMMAND_TEXT} characters` });
  });

  it('never throws, and what it reads back joins to the same words', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      const r = parseCommand(text);
      if (r.kind === 'command') assert.ok(/^[a-z0-9_]{1,32}$/.test(r.command.name));
    }));
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[a-z0-9.,]{1,8}$/), { maxLength: 6 }), (words) => {
      const r = parseCommand(`/pairs ${words.join(' ')}`);
      assert.deepEqual(r, { kind: 'command', command: { name: 'pairs', args: words } });
    }));
  });
});

describe('parseCommand: commands whose argument is not split into words', () => {
  it('takes a password as typed: quotes, inner and trailing spaces kept', () => {
    assert.deepEqual(parseCommand('/password  a "b  c \\ '), { kind: 'command', command: { name: 'password', args: [' a "b  c \\ '] } });
    assert.deepEqual(parseCommand('/password@sb_bot x', 'sb_bot'), { kind: 'command', command: { name: 'password', args: ['x'] } });
    assert.deepEqual(parseCommand('/password'), { kind: 'command', command: { name: 'password', args: [] } });
  });

  it('joins the words of a phone number or a code typed with spaces', () => {
    assert.deepEqual(parseCommand('/login +1 555 123 4567'), { kind: 'command', command: { name: 'login', args: ['+1 555 123 4567'] } });
    assert.deepEqual(parseCommand('/code 1 2 3 4 5'), { kind: 'command', command: { name: 'code', args: ['1 2 3 4 5'] } });
    assert.deepEqual(parseCommand('/code'), { kind: 'command', command: { name: 'code', args: [] } });
  });
});
