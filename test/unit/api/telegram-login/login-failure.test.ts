import assert from 'node:assert/strict';
import { loginFailureError } from '../../../../src/api/telegram-login/login-failure.ts';
import type { LoginFailure } from '../../../../src/telegram/telegram-login-protocol.ts';

const rpc = (errorMessage: string, code = 400, seconds: number | null = null): LoginFailure => ({ kind: 'rpc', errorMessage, code, seconds });
const scope = { accountId: 'a1', phone: '+15550001111' };

describe('telegram login failures', () => {
  const cases: Array<[LoginFailure, string, number, Record<string, unknown>]> = [
    [rpc('PHONE_CODE_INVALID'), 'telegram_code_invalid', 400, { accountId: 'a1' }],
    [rpc('PHONE_CODE_EMPTY'), 'telegram_code_invalid', 400, { accountId: 'a1' }],
    [rpc('PHONE_CODE_EXPIRED'), 'telegram_code_expired', 400, { accountId: 'a1', reason: 'code_expired' }],
    [rpc('PASSWORD_HASH_INVALID'), 'telegram_password_invalid', 400, { accountId: 'a1' }],
    [rpc('PHONE_NUMBER_INVALID'), 'telegram_phone_invalid', 400, { phone: '+15550001111' }],
    [rpc('PHONE_NUMBER_BANNED'), 'telegram_phone_banned', 403, { phone: '+15550001111' }],
    [rpc('PHONE_NUMBER_UNOCCUPIED'), 'telegram_phone_unregistered', 400, { phone: '+15550001111' }],
    [rpc('FLOOD_WAIT', 420, 37), 'telegram_flood_wait', 429, { retryAfterSeconds: 37 }],
    [rpc('FLOOD_WAIT', 420, 0), 'telegram_flood_wait', 429, { retryAfterSeconds: 1 }],
    [rpc('PHONE_NUMBER_FLOOD'), 'telegram_refused', 400, { telegramError: 'PHONE_NUMBER_FLOOD' }],
    [rpc('AUTH_RESTART', 500), 'telegram_unreachable', 503, { reason: 'Telegram failed internally (AUTH_RESTART)' }],
    [rpc('RPC_CALL_FAIL', -503), 'telegram_unreachable', 503, { reason: 'Telegram failed internally (RPC_CALL_FAIL)' }],
    [{ kind: 'network', reason: 'could not connect' }, 'telegram_unreachable', 503, { reason: 'could not connect' }],
  ];
  for (const [failure, code, status, details] of cases) {
    const name = failure.kind === 'rpc'
      ? `${failure.errorMessage} (${failure.code}${failure.seconds === null ? '' : `, ${failure.seconds} s`})`
      : 'a network failure';
    it(`answers ${name} with ${status} ${code}`, () => {
      const err = loginFailureError(failure, scope);
      assert.deepEqual([err.code, err.status, err.details], [code, status, details]);
    });
  }

  it('words the flood wait for the user', () => {
    assert.equal(loginFailureError(rpc('FLOOD_WAIT', 420, 37), scope).message, 'Telegram asks to wait 37 s before trying again');
  });

  it('is a 4xx for everything but the network', () => {
    for (const [failure, , status] of cases) {
      if (status >= 500) assert.ok(failure.kind === 'network' || Math.abs(failure.code ?? 0) >= 500);
      else assert.ok(status >= 400 && status < 500);
    }
  });
});
