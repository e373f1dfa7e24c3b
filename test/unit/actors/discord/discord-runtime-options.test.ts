import assert from 'node:assert/strict';
import { createDiscordRuntime, type DiscordRuntimeOptions } from '../../../../actors/platform/discord/discord-runtime.ts';
import { InvalidOptionError } from '../../../../src/errors/registry.ts';

describe('Discord runtime options', () => {
  it('takes the documented defaults', () => {
    const r = createDiscordRuntime();
    assert.deepEqual(
      [r.apiUrl, r.zombieTimeoutMs, r.readyTimeoutMs, r.uploadLimitBytes, r.webhookName, r.requestTimeoutMs, r.invalidRequests.limit],
      ['https://discord.com/api', 120_000, 30_000, 10 * 1024 * 1024, 'Switchboard', 15_000, 2_500],
    );
    // Discord's identify window: a bot with max_concurrency 1 waits 5 s for its second IDENTIFY.
    r.identifyPacer.reserve('bot', 0, 1);
    assert.equal(r.identifyPacer.reserve('bot', 0, 1), 5_000);
    const short = createDiscordRuntime({ identifyWindowMs: 1_000 });
    short.identifyPacer.reserve('bot', 0, 1);
    assert.equal(short.identifyPacer.reserve('bot', 0, 1), 1_000);
  });

  const cases: Array<[string, unknown, string]> = [
    ['not an object', 'x', 'options must be an object'],
    ['apiUrl', { apiUrl: 'ftp://x' }, 'options.apiUrl must be an http(s) URL'],
    ['zombieTimeoutMs', { zombieTimeoutMs: 0 }, 'options.zombieTimeoutMs must be a number greater than 0'],
    ['readyTimeoutMs', { readyTimeoutMs: -1 }, 'options.readyTimeoutMs must be a number greater than 0'],
    ['uploadLimitBytes', { uploadLimitBytes: 1.5 }, 'options.uploadLimitBytes must be a positive integer'],
    ['webhookName', { webhookName: 'my discord hook' }, 'options.webhookName must be 1 to 80 characters without "discord" or "clyde"'],
    ['requestTimeoutMs', { requestTimeoutMs: Number.NaN }, 'options.requestTimeoutMs must be a number greater than 0'],
    ['invalidRequestLimit', { invalidRequestLimit: 0 }, 'options.invalidRequestLimit must be a positive integer'],
    ['identifyWindowMs', { identifyWindowMs: '5s' }, 'options.identifyWindowMs must be a number greater than 0'],
  ];
  for (const [name, options, message] of cases) {
    it(`refuses a bad ${name}: "${message}"`, () => {
      assert.throws(() => createDiscordRuntime(options as DiscordRuntimeOptions), (err: unknown) => err instanceof InvalidOptionError && err.message === message);
    });
  }
});
