/**
 * The Telegram options the supervisor hands its workers, from the
 * configuration: nothing without an api id, the key file read once and
 * split into its PEM keys, and which platforms' accounts run.
 */
import assert from 'node:assert/strict';
import { pemBlocks, telegramOptionsFromConfig } from '../../../../supervisor/telegram-options.ts';
import { platformsFromConfig } from '../../../../supervisor/supervisor-runtime.ts';
import type { Config } from '../../../../src/config/load-config.ts';

const KEY = '-----BEGIN RSA PUBLIC KEY-----\nMIIB\n-----END RSA PUBLIC KEY-----';
const HASH = '0123456789abcdef0123456789abcdef';

describe('Telegram options from the configuration', () => {
  it('is absent without an api id and hash', () => {
    assert.equal(telegramOptionsFromConfig({ TELEGRAM_API_ID: undefined, TELEGRAM_API_HASH: undefined, TELEGRAM_SERVER: undefined, TELEGRAM_SERVER_KEY_FILE: undefined }), undefined);
    assert.deepEqual(platformsFromConfig({ TELEGRAM_API_ID: undefined, TELEGRAM_API_HASH: undefined } as Config), ['discord']);
    assert.deepEqual(platformsFromConfig({ TELEGRAM_API_ID: 1, TELEGRAM_API_HASH: HASH } as Config), ['discord', 'telegram']);
  });

  it('takes the application, and the server with the keys of its key file, read once', () => {
    const read: string[] = [];
    const options = telegramOptionsFromConfig(
      { TELEGRAM_API_ID: 12345, TELEGRAM_API_HASH: HASH, TELEGRAM_SERVER: '127.0.0.1:20443', TELEGRAM_SERVER_KEY_FILE: '/keys.pem' },
      (path) => { read.push(path); return `comment\n${KEY}\n\n${KEY.replace('MIIB', 'MIIC')}\n`; },
    );
    assert.deepEqual(read, ['/keys.pem']);
    assert.deepEqual(options, {
      endpoint: { apiId: 12345, apiHash: HASH, server: '127.0.0.1:20443', serverPublicKeys: [`${KEY}\n`, `${KEY.replace('MIIB', 'MIIC')}\n`] },
    });
    assert.deepEqual(telegramOptionsFromConfig({ TELEGRAM_API_ID: 1, TELEGRAM_API_HASH: HASH, TELEGRAM_SERVER: undefined, TELEGRAM_SERVER_KEY_FILE: undefined }), {
      endpoint: { apiId: 1, apiHash: HASH, serverPublicKeys: [] },
    });
  });

  it('refuses a key file it cannot read or that holds no key, naming it', () => {
    const base = { TELEGRAM_API_ID: 1, TELEGRAM_API_HASH: HASH, TELEGRAM_SERVER: 'h:1', TELEGRAM_SERVER_KEY_FILE: '/k' };
    assert.throws(() => telegramOptionsFromConfig(base, () => { throw new Error('ENOENT: no such file'); }), {
      code: 'config_invalid', message: 'Invalid configuration:\n  - TELEGRAM_SERVER_KEY_FILE /k cannot be read: ENOENT: no such file',
    });
    assert.throws(() => telegramOptionsFromConfig(base, () => 'nothing here'), {
      code: 'config_invalid', message: 'Invalid configuration:\n  - TELEGRAM_SERVER_KEY_FILE /k holds no PEM public key',
    });
    assert.deepEqual(pemBlocks(''), []);
  });
});
