import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { pemBlocks, telegramEndpointFromConfig } from '../../../../src/api/telegram-login/login-endpoint.ts';
import { ConfigInvalidError } from '../../../../src/errors/registry.ts';

const pem = (): string => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const HASH = '0123456789abcdef0123456789abcdef';
const base = { TELEGRAM_API_ID: 17, TELEGRAM_API_HASH: HASH, TELEGRAM_SERVER: undefined, TELEGRAM_SERVER_KEY_FILE: undefined };

describe('telegram login endpoint from the configuration', () => {
  it('is off without an API id and hash', () => {
    assert.equal(telegramEndpointFromConfig({ ...base, TELEGRAM_API_ID: undefined, TELEGRAM_API_HASH: undefined }), null);
  });

  it('uses Telegram\'s own data centres by default', () => {
    assert.deepEqual(telegramEndpointFromConfig(base), { apiId: 17, apiHash: HASH, server: null, serverPublicKeys: [], dcId: 2 });
  });

  it('reads every key of the server key file once', () => {
    const keys = [pem(), pem()];
    const read: string[] = [];
    const endpoint = telegramEndpointFromConfig({ ...base, TELEGRAM_SERVER: '127.0.0.1:4430', TELEGRAM_SERVER_KEY_FILE: '/k.pem' }, (path) => {
      read.push(path);
      return `comment\n${keys.join('\n')}`;
    });
    assert.deepEqual(read, ['/k.pem']);
    assert.deepEqual(endpoint?.server, { host: '127.0.0.1', port: 4430 });
    assert.deepEqual(endpoint?.serverPublicKeys, keys.map((k) => k.trim()));
    assert.deepEqual(pemBlocks('nothing here'), []);
  });

  const failing: Array<[string, () => string, string]> = [
    ['unreadable', () => { throw Object.assign(new Error('nope'), { code: 'ENOENT' }); }, 'TELEGRAM_SERVER_KEY_FILE /k.pem cannot be read (ENOENT)'],
    ['empty', () => 'no key', 'TELEGRAM_SERVER_KEY_FILE /k.pem holds no PEM key'],
  ];
  for (const [name, read, message] of failing) {
    it(`stops start-up on an ${name} key file with its exact message`, () => {
      assert.throws(() => telegramEndpointFromConfig({ ...base, TELEGRAM_SERVER: 'h:1', TELEGRAM_SERVER_KEY_FILE: '/k.pem' }, read), (err: unknown) => {
        assert.ok(err instanceof ConfigInvalidError);
        assert.deepEqual(err.details.problems, [message]);
        return true;
      });
    });
  }
});
