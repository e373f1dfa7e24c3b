import assert from 'node:assert/strict';
import { InvalidOptionError } from '../../../src/errors/registry.ts';
import { resolveFileRelayOptions } from '../../../supervisor/file-relay.ts';

describe('file relay options', () => {
  it('defaults: loopback, a free port, links for 15 minutes', () => {
    assert.deepEqual(resolveFileRelayOptions(), { host: '127.0.0.1', port: 0, linkTtlMs: 900_000 });
    assert.deepEqual(resolveFileRelayOptions({ host: '::1', port: 8099, linkTtlMs: 1000 }), { host: '::1', port: 8099, linkTtlMs: 1000 });
  });

  const cases: Array<[string, unknown, string, string]> = [
    ['options not an object', 'x', 'options', 'options must be an object'],
    ['host empty', { host: '' }, 'options.host', 'options.host must be a non-empty string'],
    ['host not a string', { host: 127 }, 'options.host', 'options.host must be a non-empty string'],
    ['port negative', { port: -1 }, 'options.port', 'options.port must be an integer from 0 to 65535'],
    ['port too large', { port: 65_536 }, 'options.port', 'options.port must be an integer from 0 to 65535'],
    ['port fractional', { port: 80.5 }, 'options.port', 'options.port must be an integer from 0 to 65535'],
    ['port a string', { port: '80' }, 'options.port', 'options.port must be an integer from 0 to 65535'],
    ['linkTtlMs zero', { linkTtlMs: 0 }, 'options.linkTtlMs', 'options.linkTtlMs must be a positive integer'],
  ];
  for (const [name, options, option, message] of cases) {
    it(`rejects ${name}`, () => {
      assert.throws(() => resolveFileRelayOptions(options), (err: unknown) => {
        assert.ok(err instanceof InvalidOptionError);
        assert.deepEqual(err.details, { option, message });
        assert.equal(err.message, message);
        return true;
      });
    });
  }
});
