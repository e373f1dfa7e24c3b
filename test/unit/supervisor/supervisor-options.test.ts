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

  it('refuses a scale-out webhook that is not http(s)', () => {
    assert.throws(() => resolveSupervisorOptions({ workers: 1, scaleOutWebhookUrl: 'mailto:ops' }), {
      code: 'invalid_option', message: 'options.scaleOutWebhookUrl must be an http:// or https:// URL',
    });
  });
});
