/**
 * Telegram endpoint options: checked once, up front, one exact message per
 * rule; and the server-key fingerprint gramjs checks handshakes against.
 */
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { createTelegramEndpoint, type TelegramEndpointOptions } from '../../../src/telegram/telegram-endpoint.ts';
import { serverKeyFromPem } from '../../../src/telegram/server-keys.ts';

const HASH = '0123456789abcdef0123456789abcdef';
const BASE = { apiId: 12345, apiHash: HASH };

/** Telegram's production key as gramjs ships it, with the fingerprint gramjs hard-codes. */
const TELEGRAM_N = '29379598170669337022986177149456128565388431120058863768162556424047512191330847455146576344487764408661701890505066208632169112269581063774293102577308490531282748465986139880977280302242772832972539403531316010870401287642763009136156734339538042419388722777357134487746169093539093850251243897188928735903389451772730245253062963384108812842079887538976360465290946139638691491496062099570836476454855996319192747663615955633778034897140982517446405334423701359108810182097749467210509584293428076654573384828809574217079944388301239431309115013843331317877374435868468779972014486325557807783825502498215169806323';

describe('Telegram endpoint options', () => {
  it('takes the defaults: Telegram\'s own data centres, DC 2, no extra keys', () => {
    const e = createTelegramEndpoint(BASE);
    assert.deepEqual(e, { apiId: 12345, apiHash: HASH, server: null, serverPublicKeys: [], dcId: 2 });
  });

  it('parses a server address, IPv6 included', () => {
    assert.deepEqual(createTelegramEndpoint({ ...BASE, server: '127.0.0.1:20443' }).server, { host: '127.0.0.1', port: 20443 });
    assert.deepEqual(createTelegramEndpoint({ ...BASE, server: '[::1]:443' }).server, { host: '::1', port: 443 });
  });

  const cases: Array<[string, unknown, string]> = [
    ['a non-object', 'x', 'options must be an object'],
    ['no apiId', { apiHash: HASH }, 'options.apiId must be the positive whole number my.telegram.org gives'],
    ['a fractional apiId', { ...BASE, apiId: 1.5 }, 'options.apiId must be the positive whole number my.telegram.org gives'],
    ['an upper-case apiHash', { ...BASE, apiHash: HASH.toUpperCase() }, 'options.apiHash must be the 32 lower-case hex characters my.telegram.org gives'],
    ['a server without a port', { ...BASE, server: 'localhost' }, 'options.server must be "host:port" with a port from 1 to 32767'],
    ['a server port StringSession cannot hold', { ...BASE, server: 'localhost:40000' }, 'options.server must be "host:port" with a port from 1 to 32767'],
    ['a key that is not PEM', { ...BASE, serverPublicKeys: ['abc'] }, 'options.serverPublicKeys must be a list of PEM public keys'],
    ['DC 6', { ...BASE, dcId: 6 }, 'options.dcId must be a data centre id from 1 to 5'],
  ];
  for (const [name, options, message] of cases) {
    it(`refuses ${name} with its exact message`, () => {
      assert.throws(() => createTelegramEndpoint(options as TelegramEndpointOptions), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'invalid_option');
        assert.equal(err.message, message);
        return true;
      });
    });
  }
});

describe('serverKeyFromPem', () => {
  it('computes the fingerprint gramjs hard-codes for Telegram\'s key', () => {
    const hex = BigInt(TELEGRAM_N).toString(16);
    const pem = createPublicKey({ key: { kty: 'RSA', n: Buffer.from(hex, 'hex').toString('base64url'), e: 'AQAB' }, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' }) as string;
    assert.deepEqual(serverKeyFromPem(pem), { fingerprint: '-3414540481677951611', n: TELEGRAM_N, e: 65537 });
  });
});
