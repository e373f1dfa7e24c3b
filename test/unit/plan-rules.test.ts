import assert from 'node:assert/strict';
import { PLANS } from '../../config/plans.ts';
import { effectivePlan, effectiveRole } from '../../src/domain/plans/effective-plan.ts';
import { fileLimitOf } from '../../src/forwarding/message/outgoing-message.ts';
import { assertPlanAllows, checkPlan, fileLimitBytes, type PairShape, type PlanAction, type UsageSnapshot } from '../../src/domain/plans/plan-rules.ts';
import type { PlanDefinition } from '../../src/domain/plans/plan-types.ts';
import { QuotaExceededError } from '../../src/errors/registry.ts';

const fresh: UsageSnapshot = {
  status: 'active',
  role: 'free_user',
  sessions: 0,
  telegramAccounts: 0,
  discordAccounts: 0,
  pairs: 0,
  activePairs: 0,
  messagesThisPeriod: 0,
  commandsThisPeriod: 0,
  apiCallsThisPeriod: 0,
};

const tgPair: PairShape = { sourcePlatform: 'telegram', destinationPlatform: 'telegram', copyMode: false, chain: false, filters: [] };

/** A plan that lacks every feature, to reach the refusals the sold plans never give. */
const bare: PlanDefinition = {
  ...PLANS.free,
  features: { copyMode: false, chainForwarding: false, discordForwarding: false, advancedFilters: false, multiAccount: false, apiKeys: false },
};

function refusalOf(plan: PlanDefinition, usage: Partial<UsageSnapshot>, action: PlanAction) {
  const decision = checkPlan(plan, { ...fresh, ...usage }, action);
  assert.equal(decision.allowed, false, 'expected a refusal');
  return decision.allowed ? assert.fail() : decision.refusal;
}

describe('plan rules', () => {
  describe('seeded limits', () => {
    it('Free: 1 session, 5 pairs, low priority, basic filters', () => {
      assert.equal(PLANS.free.limits.sessions, 1);
      assert.equal(PLANS.free.limits.pairs, 5);
      assert.equal(PLANS.free.tier, 'free');
      assert.equal(PLANS.free.features.advancedFilters, false);
    });
    it('Pro: 3 sessions, unlimited pairs, high priority', () => {
      assert.equal(PLANS.pro.limits.sessions, 3);
      assert.equal(PLANS.pro.limits.pairs, null);
      assert.equal(PLANS.pro.tier, 'pro');
    });
    it('Elite: 5 sessions, multi-account, highest priority', () => {
      assert.equal(PLANS.elite.limits.sessions, 5);
      assert.equal(PLANS.elite.features.multiAccount, true);
      assert.equal(PLANS.elite.tier, 'elite');
    });
    it('files transferred: 20 MiB, 200 MiB, then Telegram\'s own 2,000 MiB; the platform\'s limit holds when lower', () => {
      assert.deepEqual([PLANS.free, PLANS.pro, PLANS.elite].map(fileLimitBytes), [20 * 2 ** 20, 200 * 2 ** 20, 4_000 * 512 * 1024]);
      assert.equal(fileLimitOf({ fileLimitBytes: fileLimitBytes(PLANS.free) }, 10 * 2 ** 20), 10 * 2 ** 20);
      assert.equal(fileLimitOf({ fileLimitBytes: fileLimitBytes(PLANS.free) }, 4_000 * 512 * 1024), 20 * 2 ** 20);
      assert.equal(fileLimitOf({}, 3_000), 3_000, 'no plan given: the platform\'s limit alone');
    });
  });

  describe('quota_exceeded carries resource, current, limit and plan', () => {
    const cases: Array<[string, PlanDefinition, Partial<UsageSnapshot>, PlanAction, string, number, number]> = [
      ['second session on Free', PLANS.free, { sessions: 1, discordAccounts: 1 }, { kind: 'link_account', platform: 'telegram' }, 'sessions', 1, 1],
      ['fourth session on Pro', PLANS.pro, { sessions: 3 }, { kind: 'link_account', platform: 'discord' }, 'sessions', 3, 3],
      ['sixth session on Elite', PLANS.elite, { sessions: 5 }, { kind: 'link_account', platform: 'telegram' }, 'sessions', 5, 5],
      ['second Discord bot on Free', { ...PLANS.free, limits: { ...PLANS.free.limits, sessions: 2 } }, { sessions: 1, discordAccounts: 1 }, { kind: 'link_account', platform: 'discord' }, 'discord_accounts', 1, 1],
      ['sixth Telegram account on Elite', { ...PLANS.elite, limits: { ...PLANS.elite.limits, sessions: 9 } }, { sessions: 5, telegramAccounts: 5 }, { kind: 'link_account', platform: 'telegram' }, 'telegram_accounts', 5, 5],
      ['sixth pair on Free', PLANS.free, { pairs: 5, activePairs: 5 }, { kind: 'add_pair', pair: tgPair }, 'pairs', 5, 5],
      ['resuming past the Free pair limit', PLANS.free, { pairs: 8, activePairs: 5 }, { kind: 'resume_pair' }, 'active_pairs', 5, 5],
      ['messages past the period limit', PLANS.free, { messagesThisPeriod: 9_999 }, { kind: 'forward_messages', count: 2 }, 'messages', 9_999, 10_000],
      ['commands past the period limit', PLANS.free, { commandsThisPeriod: 1_000 }, { kind: 'send_command', command: 'plan' }, 'commands', 1_000, 1_000],
      ['API calls past the period limit', PLANS.pro, { apiCallsThisPeriod: 200_000 }, { kind: 'api_call' }, 'api_calls', 200_000, 200_000],
    ];
    for (const [name, plan, usage, action, resource, current, limit] of cases) {
      it(name, () => {
        const refusal = refusalOf(plan, usage, action);
        assert.ok(refusal instanceof QuotaExceededError);
        assert.equal(refusal.code, 'quota_exceeded');
        assert.equal(refusal.status, 402);
        assert.deepEqual(refusal.details, { resource, current, limit, plan: plan.name });
      });
    }
  });

  describe('feature_not_in_plan names the feature and plan', () => {
    const cases: Array<[string, PlanDefinition, Partial<UsageSnapshot>, PlanAction, string]> = [
      ['copy mode on Free', PLANS.free, {}, { kind: 'add_pair', pair: { ...tgPair, copyMode: true } }, 'copy_mode'],
      ['chain forwarding on Free', PLANS.free, {}, { kind: 'add_pair', pair: { ...tgPair, chain: true } }, 'chain_forwarding'],
      ['regex filter on Free', PLANS.free, {}, { kind: 'add_pair', pair: { ...tgPair, filters: [{ kind: 'keyword' }, { kind: 'regex' }] } }, 'advanced_filters'],
      ['replace filter on a Free update', PLANS.free, { pairs: 1 }, { kind: 'update_pair', pair: { ...tgPair, filters: [{ kind: 'replace' }] } }, 'advanced_filters'],
      ['second Telegram account on Pro', PLANS.pro, { sessions: 1, telegramAccounts: 1 }, { kind: 'link_account', platform: 'telegram' }, 'multi_account'],
      ['API keys on Pro', PLANS.pro, {}, { kind: 'use_feature', feature: 'apiKeys' }, 'api_keys'],
      ['Discord pair on a plan without Discord', bare, {}, { kind: 'add_pair', pair: { ...tgPair, destinationPlatform: 'discord' } }, 'discord_forwarding'],
      ['Discord bot on a plan without Discord', bare, {}, { kind: 'link_account', platform: 'discord' }, 'discord_forwarding'],
    ];
    for (const [name, plan, usage, action, featureName] of cases) {
      it(name, () => {
        const refusal = refusalOf(plan, usage, action);
        assert.equal(refusal.code, 'feature_not_in_plan');
        assert.equal(refusal.status, 402);
        assert.deepEqual(refusal.details, { feature: featureName, plan: plan.name });
      });
    }
  });

  it('account_inactive for suspended and deleted users, whatever the action', () => {
    for (const status of ['suspended', 'deleted'] as const) {
      const refusal = refusalOf(PLANS.elite, { status }, { kind: 'api_call' });
      assert.equal(refusal.code, 'account_inactive');
      assert.equal(refusal.status, 403);
      assert.deepEqual(refusal.details, { status });
    }
  });

  it('command_not_allowed for admin commands from non-admins', () => {
    const refusal = refusalOf(PLANS.elite, { role: 'premium_user' }, { kind: 'send_command', command: 'users' });
    assert.equal(refusal.code, 'command_not_allowed');
    assert.deepEqual(refusal.details, { command: 'users', role: 'premium_user' });
    assert.equal(checkPlan(PLANS.free, { ...fresh, role: 'admin' }, { kind: 'send_command', command: 'workers' }).allowed, true);
  });

  describe('allows what the plan includes', () => {
    const cases: Array<[string, PlanDefinition, Partial<UsageSnapshot>, PlanAction]> = [
      ['first account on Free', PLANS.free, {}, { kind: 'link_account', platform: 'telegram' }],
      ['fifth pair on Free', PLANS.free, { pairs: 4 }, { kind: 'add_pair', pair: tgPair }],
      ['keyword filter on Free', PLANS.free, {}, { kind: 'add_pair', pair: { ...tgPair, filters: [{ kind: 'keyword' }] } }],
      ['DC pair on Free', PLANS.free, {}, { kind: 'add_pair', pair: { ...tgPair, sourcePlatform: 'discord', destinationPlatform: 'discord' } }],
      ['thousandth pair on Pro', PLANS.pro, { pairs: 999 }, { kind: 'add_pair', pair: { ...tgPair, copyMode: true, chain: true, filters: [{ kind: 'regex' }] } }],
      ['second Telegram account on Elite', PLANS.elite, { sessions: 1, telegramAccounts: 1 }, { kind: 'link_account', platform: 'telegram' }],
      ['unlimited messages on Elite', PLANS.elite, { messagesThisPeriod: 10_000_000 }, { kind: 'forward_messages', count: 1_000 }],
      ['exactly reaching the message limit', PLANS.free, { messagesThisPeriod: 9_990 }, { kind: 'forward_messages', count: 10 }],
      ['user commands on Free', PLANS.free, {}, { kind: 'send_command', command: 'plan' }],
      ['API keys on Elite', PLANS.elite, {}, { kind: 'use_feature', feature: 'apiKeys' }],
    ];
    for (const [name, plan, usage, action] of cases) {
      it(name, () => assert.deepEqual(checkPlan(plan, { ...fresh, ...usage }, action), { allowed: true }));
    }
  });

  it('assertPlanAllows throws the refusal', () => {
    assert.throws(() => assertPlanAllows(PLANS.free, { ...fresh, pairs: 5 }, { kind: 'add_pair', pair: tgPair }), QuotaExceededError);
  });
});

describe('effective plan and role', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const cases: Array<[string, Parameters<typeof effectivePlan>[0], string]> = [
    ['no subscription', null, 'free'],
    ['active Pro', { plan: 'pro', status: 'active', expiresAt: new Date('2026-07-01T00:00:00Z') }, 'pro'],
    ['trial Elite', { plan: 'elite', status: 'trial', expiresAt: new Date('2026-06-02T00:00:00Z') }, 'elite'],
    ['never-expiring Elite', { plan: 'elite', status: 'active', expiresAt: null }, 'elite'],
    ['expired by date', { plan: 'pro', status: 'active', expiresAt: new Date('2026-05-31T23:59:59Z') }, 'free'],
    ['expiring this instant', { plan: 'pro', status: 'active', expiresAt: now }, 'free'],
    ['cancelled', { plan: 'pro', status: 'cancelled', expiresAt: null }, 'free'],
    ['expired status', { plan: 'elite', status: 'expired', expiresAt: null }, 'free'],
  ];
  for (const [name, sub, plan] of cases) it(name, () => assert.equal(effectivePlan(sub, now), plan));

  it('role follows the plan unless overridden or admin', () => {
    assert.equal(effectiveRole('free_user', false, 'pro'), 'premium_user');
    assert.equal(effectiveRole('premium_user', false, 'free'), 'free_user');
    assert.equal(effectiveRole('free_user', true, 'elite'), 'free_user');
    assert.equal(effectiveRole('admin', false, 'free'), 'admin');
  });
});
