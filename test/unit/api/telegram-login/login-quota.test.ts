import assert from 'node:assert/strict';
import { holdsLoginSlot, isDeadLogin, snapshotWithoutLogin } from '../../../../src/api/telegram-login/login-quota.ts';
import type { UsageSnapshot } from '../../../../src/domain/plans/plan-rules.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const later = new Date(NOW + 1_000);
const earlier = new Date(NOW - 1_000);
const snapshot: UsageSnapshot = {
  status: 'active', role: 'free_user', sessions: 2, telegramAccounts: 1, discordAccounts: 1,
  pairs: 0, activePairs: 0, messagesThisPeriod: 0, commandsThisPeriod: 0, apiCallsThisPeriod: 0,
};

describe('telegram login quota', () => {
  it('counts a pending login only while it can still complete', () => {
    assert.equal(holdsLoginSlot({ status: 'pending_code', loginExpiresAt: later }, NOW), true);
    assert.equal(holdsLoginSlot({ status: 'pending_password', loginExpiresAt: later }, NOW), true);
    assert.equal(holdsLoginSlot({ status: 'pending_code', loginExpiresAt: new Date(NOW) }, NOW), false, 'expiring now is expired');
    assert.equal(holdsLoginSlot({ status: 'pending_code', loginExpiresAt: earlier }, NOW), false);
    assert.equal(holdsLoginSlot({ status: 'pending_code', loginExpiresAt: null }, NOW), false, 'from before logins expired');
    assert.equal(holdsLoginSlot({ status: 'active', loginExpiresAt: later }, NOW), false, 'not a login');
  });

  it('calls dead only pending rows that cannot complete', () => {
    assert.equal(isDeadLogin({ status: 'pending_code', loginExpiresAt: earlier }, NOW), true);
    assert.equal(isDeadLogin({ status: 'pending_password', loginExpiresAt: null }, NOW), true);
    assert.equal(isDeadLogin({ status: 'pending_code', loginExpiresAt: later }, NOW), false);
    assert.equal(isDeadLogin({ status: 'paused', loginExpiresAt: null }, NOW), false);
  });

  it('judges finishing a login without its own slot', () => {
    assert.deepEqual(snapshotWithoutLogin(snapshot, { status: 'pending_code', loginExpiresAt: later }, NOW), { ...snapshot, sessions: 1, telegramAccounts: 0 });
    assert.equal(snapshotWithoutLogin(snapshot, { status: 'pending_code', loginExpiresAt: earlier }, NOW), snapshot, 'an expired login was not counted');
  });
});
