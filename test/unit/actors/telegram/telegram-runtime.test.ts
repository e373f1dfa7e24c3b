/**
 * Telegram runtime options: checked once, up front, with a test per
 * message, and named where they sit in worker and supervisor options.
 */
import assert from 'node:assert/strict';
import { checkTelegramRuntimeOptions, createTelegramRuntime } from '../../../../actors/platform/telegram/telegram-runtime.ts';
import type { TelegramRuntimeOptions } from '../../../../src/runtime-contracts/platform-options.ts';
import { DEFAULT_PACING } from '../../../../actors/platform/telegram/pacing-options.ts';
import { parseWorkerOptions } from '../../../../actors/worker-options.ts';
import { resolveSupervisorOptions } from '../../../../supervisor/supervisor-options.ts';

const endpoint = { apiId: 12345, apiHash: '0123456789abcdef0123456789abcdef' };

function refuses(options: unknown, message: string): void {
  assert.throws(() => createTelegramRuntime(options as TelegramRuntimeOptions), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'invalid_option');
    assert.equal(err.message, message);
    return true;
  });
}

describe('Telegram runtime options', () => {
  it('takes the defaults', () => {
    const r = createTelegramRuntime({ endpoint });
    assert.deepEqual({ ...r, endpoint: undefined }, {
      endpoint: undefined, silenceMs: 60_000, probeTimeoutMs: 10_000, keepAliveMs: 1_800_000, connectTimeoutMs: 20_000,
      requestTimeoutMs: 20_000, connectionRetries: 3, peerCacheSize: 64, dialogPages: 10, pacing: DEFAULT_PACING,
      uploadLimitBytes: 2_097_152_000, downloadTimeoutMs: 300_000,
    });
    assert.deepEqual(r.endpoint, { ...endpoint, server: null, serverPublicKeys: [], dcId: 2 });
  });

  const cases: Array<[string, unknown, string]> = [
    ['a non-object', 'x', 'options must be an object'],
    ['no endpoint', {}, 'options.endpoint is required: the api id and hash from my.telegram.org'],
    ['an endpoint that is no object', { endpoint: 5 }, 'options.endpoint must be an object'],
    ['an endpoint without api id', { endpoint: { apiHash: endpoint.apiHash } }, 'options.endpoint.apiId must be the positive whole number my.telegram.org gives'],
    ['a bad server', { endpoint: { ...endpoint, server: 'x' } }, 'options.endpoint.server must be "host:port" with a port from 1 to 32767'],
    ['a zero silenceMs', { endpoint, silenceMs: 0 }, 'options.silenceMs must be a whole number of ms, 1 or more'],
    ['a fractional probeTimeoutMs', { endpoint, probeTimeoutMs: 1.5 }, 'options.probeTimeoutMs must be a whole number of ms, 1 or more'],
    ['an infinite keepAliveMs', { endpoint, keepAliveMs: Infinity }, 'options.keepAliveMs must be a whole number of ms, 1 or more'],
    ['a negative connectTimeoutMs', { endpoint, connectTimeoutMs: -1 }, 'options.connectTimeoutMs must be a whole number of ms, 1 or more'],
    ['a string requestTimeoutMs', { endpoint, requestTimeoutMs: '5' }, 'options.requestTimeoutMs must be a whole number of ms, 1 or more'],
    ['zero connectionRetries', { endpoint, connectionRetries: 0 }, 'options.connectionRetries must be a positive integer'],
    ['a fractional peerCacheSize', { endpoint, peerCacheSize: 2.5 }, 'options.peerCacheSize must be a positive integer'],
    ['zero dialogPages', { endpoint, dialogPages: 0 }, 'options.dialogPages must be a positive integer'],
    ['a bad pacing limit', { endpoint, pacing: { chat: { burst: 0, perSecond: 1 } } }, 'options.pacing.chat.burst must be a positive integer'],
  ];
  for (const [name, options, message] of cases) {
    it(`refuses ${name} with its exact message`, () => refuses(options, message));
  }

  it('names options nested in worker and supervisor options after where they sit', () => {
    assert.throws(() => checkTelegramRuntimeOptions('telegram', { endpoint: { ...endpoint, apiId: 0 } }), {
      code: 'invalid_option', message: 'options.telegram.endpoint.apiId must be the positive whole number my.telegram.org gives',
    });
    assert.throws(() => checkTelegramRuntimeOptions('telegram', null), { message: 'options.telegram must be an object' });
    const worker = {
      workerId: 'w', threads: 1, threadMaxOldGenerationMb: 64, threadRestartIntensity: 1, restartPeriodMs: 1000,
      redisUrl: null, redisKeyPrefix: '', leaseTtlMs: 3000, leaseRenewMs: 1000,
    };
    assert.deepEqual(parseWorkerOptions(JSON.stringify({ ...worker, telegram: { endpoint } })).telegram, { endpoint });
    assert.throws(() => parseWorkerOptions(JSON.stringify({ ...worker, telegram: { endpoint, silenceMs: 0 } })), {
      message: 'options.telegram.silenceMs must be a whole number of ms, 1 or more',
    });
    assert.equal(resolveSupervisorOptions({ workers: 1 }).telegram, null);
    assert.deepEqual(resolveSupervisorOptions({ workers: 1, telegram: { endpoint } }).telegram, { endpoint });
    assert.throws(() => resolveSupervisorOptions({ workers: 1, telegram: {} }), { message: 'options.telegram.endpoint is required: the api id and hash from my.telegram.org' });
  });
});
