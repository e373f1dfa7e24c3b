import assert from 'node:assert/strict';
import { PLANS } from '../../../config/plans.ts';
import { decideLimitEnforcement, selectExpired, type AccountRow, type PairRow } from '../../../src/api/jobs/expiry-decision.ts';
import { figure } from '../../../src/api/usage/usage-report.ts';
import { parseUsageCounterKey, previousUsagePeriod, usageCounterKey, usagePeriodAt } from '../../../src/api/usage/usage-period.ts';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);

describe('plan expiry decisions', () => {
  it('selects current subscriptions whose expiry has come, the instant itself included', () => {
    const now = at(100);
    const rows = [
      { id: 'past', userId: 'u1', plan: 'pro' as const, status: 'active' as const, expiresAt: at(99) },
      { id: 'exact', userId: 'u2', plan: 'elite' as const, status: 'trial' as const, expiresAt: at(100) },
      { id: 'future', userId: 'u3', plan: 'pro' as const, status: 'active' as const, expiresAt: at(101) },
      { id: 'never', userId: 'u4', plan: 'pro' as const, status: 'active' as const, expiresAt: null },
      { id: 'cancelled', userId: 'u5', plan: 'pro' as const, status: 'cancelled' as const, expiresAt: at(1) },
    ];
    assert.deepEqual(selectExpired(rows, now).map((r) => r.id), ['past', 'exact']);
  });

  it('keeps the oldest active pairs up to the limit and pauses the newer ones', () => {
    const pairs: PairRow[] = [
      { id: 'p6', status: 'active', createdAt: at(6) },
      { id: 'p1', status: 'active', createdAt: at(1) },
      { id: 'p0', status: 'paused', createdAt: at(0) },
      ...[2, 3, 4, 5, 7].map((i) => ({ id: `p${i}`, status: 'active' as const, createdAt: at(i) })),
    ];
    assert.deepEqual(decideLimitEnforcement(PLANS.free, pairs, []).pausePairs, ['p6', 'p7']);
    assert.deepEqual(decideLimitEnforcement(PLANS.pro, pairs, []).pausePairs, [], 'unlimited');
  });

  it('keeps accounts within the session, per-platform and multi-account limits, oldest first', () => {
    const accounts: AccountRow[] = [
      { id: 'tg1', platform: 'telegram', status: 'active', createdAt: at(1) },
      { id: 'dc1', platform: 'discord', status: 'active', createdAt: at(2) },
      { id: 'tg2', platform: 'telegram', status: 'active', createdAt: at(3) },
      { id: 'dc2', platform: 'discord', status: 'active', createdAt: at(4) },
      { id: 'dc0', platform: 'discord', status: 'paused', createdAt: at(0) },
      { id: 'tgp', platform: 'telegram', status: 'pending_code', createdAt: at(0) },
    ];
    const ids = (plan: keyof typeof PLANS) => decideLimitEnforcement(PLANS[plan], [], accounts).pauseAccounts.map((a) => a.id);
    assert.deepEqual(ids('free'), ['dc1', 'tg2', 'dc2']);
    assert.deepEqual(ids('pro'), ['tg2'], 'Pro: three sessions, but a second Telegram account is multi-account');
    assert.deepEqual(ids('elite'), []);
  });
});

describe('usage periods and figures', () => {
  it('is the calendar month in UTC, whatever the time of day', () => {
    const p = usagePeriodAt(new Date('2026-03-31T23:59:59.999Z'));
    assert.deepEqual([p.label, p.start.toISOString(), p.end.toISOString()], ['2026-03', '2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
    assert.equal(usagePeriodAt(new Date('2026-04-01T00:00:00.000Z')).label, '2026-04');
    assert.equal(previousUsagePeriod(usagePeriodAt(new Date('2026-01-15T00:00:00Z'))).label, '2025-12');
  });

  it('names counters as the runtime writes them, and parses them back', () => {
    const id = '0b6f9a53-56a3-4c1c-9d3b-7c1b2a5b1f00';
    assert.equal(usageCounterKey('messages', id, '2026-11'), `usage:messages:${id}:2026-11`);
    assert.deepEqual(parseUsageCounterKey(`usage:api_calls:${id}:2026-11`), { counter: 'api_calls', userId: id, label: '2026-11' });
    assert.equal(parseUsageCounterKey('usage:messages:alice:2026-11'), null);
  });

  it('warns from 80 % of a limit, never for unlimited figures', () => {
    assert.deepEqual(figure(3, 5), { used: 3, limit: 5, warning: false });
    assert.deepEqual(figure(4, 5), { used: 4, limit: 5, warning: true });
    assert.deepEqual(figure(1_000_000, null), { used: 1_000_000, limit: null, warning: false });
  });
});
