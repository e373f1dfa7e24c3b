import assert from 'node:assert/strict';
import { parseTelegramLoginOptions, type TelegramLoginOptions } from '../../../../src/api/telegram-login/login-options.ts';
import { InvalidOptionError } from '../../../../src/errors/registry.ts';

describe('telegram login options', () => {
  it('fills the documented defaults, the lock outlasting a step', () => {
    assert.deepEqual(parseTelegramLoginOptions(), {
      threads: 2, concurrentStepsPerThread: 16, loginTtlSeconds: 600, stepTimeoutMs: 20_000, inline: false, lockMs: 30_000,
    });
    assert.equal(parseTelegramLoginOptions({ stepTimeoutMs: 5_000 }).lockMs, 15_000);
  });

  const cases: Array<[string, unknown, string]> = [
    ['not an object', 'x', 'options must be an object'],
    ['threads 0', { threads: 0 }, 'options.threads must be a positive integer'],
    ['threads 1.5', { threads: 1.5 }, 'options.threads must be a positive integer'],
    ['concurrentStepsPerThread', { concurrentStepsPerThread: -1 }, 'options.concurrentStepsPerThread must be a positive integer'],
    ['loginTtlSeconds', { loginTtlSeconds: '600' }, 'options.loginTtlSeconds must be a positive integer'],
    ['stepTimeoutMs below a second', { stepTimeoutMs: 999 }, 'options.stepTimeoutMs must be a whole number of ms, 1000 or more'],
    ['stepTimeoutMs Infinity', { stepTimeoutMs: Infinity }, 'options.stepTimeoutMs must be a whole number of ms, 1000 or more'],
    ['stepTimeoutMs past the login', { loginTtlSeconds: 10, stepTimeoutMs: 10_000 }, 'options.stepTimeoutMs must be shorter than loginTtlSeconds'],
    ['inline', { inline: 'yes' }, 'options.inline must be a boolean'],
  ];
  for (const [name, options, message] of cases) {
    it(`refuses ${name} with its exact message`, () => {
      assert.throws(() => parseTelegramLoginOptions(options as TelegramLoginOptions), (err: unknown) => {
        assert.ok(err instanceof InvalidOptionError);
        assert.equal(err.message, message);
        return true;
      });
    });
  }
});
