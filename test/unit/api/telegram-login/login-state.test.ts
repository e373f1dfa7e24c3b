import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  assertStep, codeSentState, loginLockKey, loginStateContext, loginStateKey, loginView, parseLoginState, type LoginState,
} from '../../../../src/api/telegram-login/login-state.ts';
import { TelegramCodeExpiredError, TelegramLoginStepError } from '../../../../src/errors/registry.ts';

const accountId = randomUUID();
const userId = randomUUID();
const sent = { phoneCodeHash: 'h1', codeType: 'app', codeLength: 5, nextCodeType: 'sms', resendAfterSeconds: 60 };
const state = (over: Partial<LoginState> = {}): LoginState => ({
  ...codeSentState({ accountId, userId, phone: '+15550001111' }, '1AQAB', sent, Date.UTC(2026, 0, 1)), ...over,
});

describe('telegram login state', () => {
  it('keys the state and its lock by account, under the prefix the Redis client adds', () => {
    assert.equal(loginStateKey(accountId), `tglogin:${accountId}`);
    assert.equal(loginLockKey(accountId), `tglogin:${accountId}:lock`);
    assert.equal(loginStateContext(accountId), `redis.tglogin:${accountId}`);
  });

  it('round-trips through JSON and refuses anything else', () => {
    const s = state();
    assert.deepEqual(parseLoginState(JSON.stringify(s)), s);
    assert.equal(parseLoginState('not json'), null);
    assert.equal(parseLoginState(JSON.stringify({ ...s, v: 2 })), null);
    assert.equal(parseLoginState(JSON.stringify({ ...s, step: 'done' })), null);
    assert.equal(parseLoginState(JSON.stringify({ ...s, extra: 1 })), null);
    const { session: _session, ...partial } = s;
    assert.equal(parseLoginState(JSON.stringify(partial)), null);
  });

  it('lets a step through only when the login waits for it', () => {
    assert.equal(assertStep(state(), accountId, 'code').step, 'code');
    assert.equal(assertStep(state(), accountId, 'resend').step, 'code');
    assert.equal(assertStep(state({ step: 'password' }), accountId, 'password').step, 'password');
    assert.throws(() => assertStep(state(), accountId, 'password'), (err: unknown) => {
      assert.ok(err instanceof TelegramLoginStepError);
      assert.deepEqual([err.status, err.details.waitingFor, err.message], [409, 'code', 'This login waits for the code, not the password']);
      return true;
    });
    assert.throws(() => assertStep(state({ step: 'password' }), accountId, 'resend'), (err: unknown) => {
      assert.ok(err instanceof TelegramLoginStepError);
      assert.equal(err.message, 'This login waits for the two-step verification password, not a resend');
      return true;
    });
    assert.throws(() => assertStep(null, accountId, 'code'), (err: unknown) => {
      assert.ok(err instanceof TelegramCodeExpiredError);
      assert.deepEqual([err.status, err.details.reason], [400, 'login_expired']);
      return true;
    });
  });

  it('tells the client the next step and never the session or the code hash', () => {
    assert.deepEqual(loginView(state()), {
      next: 'code', expiresAt: '2026-01-01T00:00:00.000Z', codeType: 'app', codeLength: 5, nextCodeType: 'sms', resendAfterSeconds: 60,
    });
    assert.deepEqual(loginView(state({ step: 'password', passwordHint: 'pet' })), { next: 'password', expiresAt: '2026-01-01T00:00:00.000Z', passwordHint: 'pet' });
    assert.deepEqual(loginView(null), { next: 'done' });
    assert.ok(!JSON.stringify(loginView(state())).includes('1AQAB'));
  });
});
