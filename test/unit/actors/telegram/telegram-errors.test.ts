/**
 * Telegram errors as the forwarding queue's kinds: terminal session errors,
 * waits, errors about the request or chat, and everything else.
 */
import assert from 'node:assert/strict';
import { sendFailure, terminalError, waitMs } from '../../../../actors/platform/telegram/telegram-errors.ts';

describe('Telegram error classification', () => {
  for (const [name, code] of [['AUTH_KEY_UNREGISTERED', 401], ['SESSION_REVOKED', 401], ['USER_DEACTIVATED', 401],
    ['USER_DEACTIVATED_BAN', 401], ['AUTH_KEY_DUPLICATED', 406], ['SESSION_EXPIRED', 401], ['AUTH_KEY_INVALID', 401]] as const) {
    it(`${name} ends the session: revoked`, () => {
      assert.equal(terminalError({ errorMessage: name, code }), name);
      assert.deepEqual(sendFailure({ errorMessage: name, code }), { ok: false, kind: 'revoked', message: `Telegram ended the session (${name})` });
    });
  }

  it('any 401 ends the session', () => {
    assert.equal(terminalError({ errorMessage: 'SOMETHING_NEW', code: 401 }), 'SOMETHING_NEW');
    assert.equal(terminalError({ code: 401 }), 'UNAUTHORIZED');
    assert.equal(terminalError({ errorMessage: 'CHAT_WRITE_FORBIDDEN', code: 403 }), null);
  });

  it('a wait becomes flood_wait with its time, at least a second', () => {
    // gramjs's FloodWaitError: code 420, the seconds apart, errorMessage "FLOOD".
    const flood = { errorMessage: 'FLOOD', code: 420, seconds: 42, message: 'A wait of 42 seconds is required (caused by messages.SendMessage)' };
    assert.deepEqual(sendFailure(flood), {
      ok: false, kind: 'flood_wait', message: 'Telegram asked to wait 42 s: A wait of 42 seconds is required (caused by messages.SendMessage)', retryAfterMs: 42_000,
    });
    assert.equal(waitMs({ code: 420, seconds: 0 }), 1_000);
    assert.equal(waitMs({ code: 420 }), 1_000);
    assert.equal(waitMs({ errorMessage: 'X', code: 400 }), null);
  });

  for (const [name, code] of [['CHAT_WRITE_FORBIDDEN', 403], ['CHANNEL_PRIVATE', 400], ['PEER_ID_INVALID', 400], ['MESSAGE_TOO_LONG', 400],
    ['USER_BANNED_IN_CHANNEL', 400], ['CHAT_ADMIN_REQUIRED', 400], ['MESSAGE_ID_INVALID', 400], ['CHANNEL_PUBLIC_GROUP_NA', 403]] as const) {
    it(`${name} is permanent`, () => {
      assert.deepEqual(sendFailure({ errorMessage: name, code }), { ok: false, kind: 'permanent', message: `${code} ${name}` });
    });
  }

  it('server errors, timeouts and network failures are transient', () => {
    assert.deepEqual(sendFailure({ errorMessage: 'INTERNAL', code: 500 }), { ok: false, kind: 'transient', message: '500 INTERNAL' });
    assert.deepEqual(sendFailure({ errorMessage: 'RANDOM_ID_DUPLICATE', code: 500 }).kind, 'transient');
    assert.deepEqual(sendFailure({ errorMessage: 'TIMEOUT', code: -503 }).kind, 'transient');
    assert.deepEqual(sendFailure({ errorMessage: 'MSG_WAIT_FAILED', code: 400 }).kind, 'transient');
    assert.deepEqual(sendFailure({ message: 'messages.SendMessage: no answer within 20000 ms' }), {
      ok: false, kind: 'transient', message: 'messages.SendMessage: no answer within 20000 ms',
    });
  });
});
