import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PLANS } from '../../../config/plans.ts';
import { usageCounterKey, usagePeriodAt } from '../../../src/api/usage/usage-period.ts';
import { CommandGate } from '../../../src/commands/command-gate.ts';
import { redisFor, suitePrefix } from '../supervisor/fixture.ts';

describe('bot command gate (real Redis)', () => {
  const redis = redisFor(suitePrefix('commands'));
  const gate = new CommandGate(redis);
  const label = usagePeriodAt(new Date()).label;
  after(() => redis.quit());

  it('admits a Free user\'s commands up to the plan\'s per-minute rate, then answers rate_limited with the wait, and counts each', async () => {
    const userId = randomUUID();
    const caller = { userId, role: 'free_user' as const, status: 'active' as const, plan: PLANS.free };
    for (let i = 0; i < PLANS.free.rateLimits.commandsPerMinute; i++) await gate.admit(caller, 'plan');
    await assert.rejects(gate.admit(caller, 'plan'), (err: { code?: string; details?: { retryAfterSeconds?: number } }) => {
      assert.equal(err.code, 'rate_limited');
      assert.ok((err.details?.retryAfterSeconds ?? 0) >= 1);
      return true;
    });
    assert.equal(Number(await redis.get(usageCounterKey('commands', userId, label))), PLANS.free.rateLimits.commandsPerMinute);
  });

  it('gives Elite more room than Free', async () => {
    assert.ok(PLANS.elite.rateLimits.commandsPerMinute > PLANS.free.rateLimits.commandsPerMinute);
    const caller = { userId: randomUUID(), role: 'premium_user' as const, status: 'active' as const, plan: PLANS.elite };
    for (let i = 0; i <= PLANS.free.rateLimits.commandsPerMinute; i++) await gate.admit(caller, 'plan');
  });

  it('refuses an admin command to a non-admin and a suspended user, counting neither', async () => {
    const userId = randomUUID();
    await assert.rejects(gate.admit({ userId, role: 'premium_user', status: 'active', plan: PLANS.pro }, 'users'), { code: 'command_not_allowed' });
    await assert.rejects(gate.admit({ userId, role: 'admin', status: 'suspended', plan: PLANS.pro }, 'plan'), { code: 'account_inactive' });
    assert.equal(await redis.get(usageCounterKey('commands', userId, label)), null);
    await gate.admit({ userId, role: 'admin', status: 'active', plan: PLANS.pro }, 'users');
  });

  it('refuses past the period\'s command allowance with quota_exceeded', async () => {
    const userId = randomUUID();
    await redis.set(usageCounterKey('commands', userId, label), String(PLANS.free.limits.commandsPerPeriod));
    await assert.rejects(gate.admit({ userId, role: 'free_user', status: 'active', plan: PLANS.free }, 'plan'), { code: 'quota_exceeded' });
  });
});
