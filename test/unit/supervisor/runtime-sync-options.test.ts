import assert from 'node:assert/strict';
import pino from 'pino';
import { RuntimeSync, type RuntimeSyncDeps, type RuntimeSyncOptions } from '../../../supervisor/runtime-sync.ts';

// The options are checked in the constructor, before any dependency is used.
const deps = { logger: pino({ level: 'silent' }) } as unknown as RuntimeSyncDeps;

describe('runtime sync options', () => {
  const cases: [RuntimeSyncOptions, string][] = [
    [null as never, 'options must be an object'],
    [{ platforms: ['matrix'] as never }, 'options.platforms must be a list of discord, telegram, loopback'],
    [{ reconcileIntervalMs: 0 }, 'options.reconcileIntervalMs must be a positive integer'],
    [{ reconcileIntervalMs: Infinity }, 'options.reconcileIntervalMs must be a positive integer'],
    [{ debounceMs: -1 }, 'options.debounceMs must be a number greater than or equal to 0'],
    [{ startConcurrency: 0 }, 'options.startConcurrency must be a positive integer'],
    [{ startConcurrency: 2.5 }, 'options.startConcurrency must be a positive integer'],
  ];
  for (const [options, message] of cases) {
    it(`refuses ${JSON.stringify(options)}: "${message}"`, () => {
      assert.throws(() => new RuntimeSync(deps, options), { code: 'invalid_option', message });
    });
  }

  it('takes the defaults', () => {
    assert.doesNotThrow(() => new RuntimeSync(deps));
  });
});
