import assert from 'node:assert/strict';
import { resolveSupervisorOptions } from '../../../supervisor/supervisor-options.ts';

describe('supervisor options', () => {
  it('hands workers no Discord URL unless one is given (they use real Discord)', () => {
    assert.equal(resolveSupervisorOptions({ workers: 1 }).discordApiUrl, null);
    assert.equal(resolveSupervisorOptions({ workers: 1, discordApiUrl: 'http://127.0.0.1:9/api' }).discordApiUrl, 'http://127.0.0.1:9/api');
  });

  it('refuses a Discord URL that is not http(s), with the option named', () => {
    assert.throws(() => resolveSupervisorOptions({ workers: 1, discordApiUrl: 'ftp://x' }), {
      code: 'invalid_option', message: 'options.discordApiUrl must be an http:// or https:// URL',
    });
  });

  it('counts 2,500 invalid Discord requests per host unless told otherwise; refuses a count that is not a positive integer', () => {
    assert.equal(resolveSupervisorOptions({ workers: 1 }).discordInvalidRequestLimit, 2_500);
    for (const bad of [0, 1.5, '10']) {
      assert.throws(() => resolveSupervisorOptions({ workers: 1, discordInvalidRequestLimit: bad as number }), {
        code: 'invalid_option', message: 'options.discordInvalidRequestLimit must be a positive integer',
      });
    }
  });

  it('refuses a scale-out webhook that is not http(s)', () => {
    assert.throws(() => resolveSupervisorOptions({ workers: 1, scaleOutWebhookUrl: 'mailto:ops' }), {
      code: 'invalid_option', message: 'options.scaleOutWebhookUrl must be an http:// or https:// URL',
    });
  });

  it('weighs this host for account ownership by workers × threads unless a capacity is given', () => {
    assert.equal(resolveSupervisorOptions({ workers: 3, threadsPerWorker: 4 }).capacity, 12);
    assert.equal(resolveSupervisorOptions({ workers: 3, capacity: 7 }).capacity, 7);
    for (const bad of [0, 2.5, '4']) {
      assert.throws(() => resolveSupervisorOptions({ workers: 1, capacity: bad as number }), {
        code: 'invalid_option', message: 'options.capacity must be a positive integer',
      });
    }
  });
});
