import assert from 'node:assert/strict';
import { COMMANDS } from '../../../src/commands/command-catalogue.ts';
import { argsOf, SLASH_OPTIONS, slashCommands } from '../../../src/commands/slash-commands.ts';

describe('slash commands from the catalogue (pure)', () => {
  it('gives each command as many options as it takes arguments, the required ones being the arguments it needs', () => {
    for (const c of COMMANDS) {
      const options = SLASH_OPTIONS[c.name] ?? [];
      assert.equal(options.length, c.maxArgs, c.name);
      assert.equal(options.filter((o) => o.required).length, c.minArgs, c.name);
      assert.ok(options.every((o, i) => !o.required || options.slice(0, i).every((p) => p.required)), `${c.name}: required options first, as Discord wants`);
    }
    assert.deepEqual(Object.keys(SLASH_OPTIONS).filter((name) => !COMMANDS.some((c) => c.name === name)), [], 'no options for unknown commands');
  });

  it('makes Discord command bodies within Discord\'s limits', () => {
    const bodies = slashCommands();
    assert.equal(bodies.length, COMMANDS.length);
    for (const b of bodies) {
      assert.match(b.name as string, /^[a-z0-9_]{1,32}$/);
      assert.ok((b.description as string).length >= 1 && (b.description as string).length <= 100);
    }
    const setplan = bodies.find((b) => b.name === 'setplan')!;
    assert.deepEqual((setplan.options as Array<{ choices?: unknown }>)[1]!.choices, [{ name: 'free', value: 'free' }, { name: 'pro', value: 'pro' }, { name: 'elite', value: 'elite' }]);
  });

  it('reads option values back as the arguments, in order, stopping at the first left out', () => {
    const values: Record<string, string> = { action: 'pause', pair: 'news feed' };
    assert.deepEqual(argsOf('pairs', (n) => values[n] ?? null), ['pause', 'news feed']);
    assert.deepEqual(argsOf('pairs', () => null), []);
    assert.deepEqual(argsOf('plan', () => 'x'), []);
  });
});
