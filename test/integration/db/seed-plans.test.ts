import assert from 'node:assert/strict';
import type { MikroORM } from '@mikro-orm/postgresql';
import { PLANS } from '../../../config/plans.ts';
import { SubscriptionPlan } from '../../../src/db/entities/index.ts';
import { seedPlans } from '../../../src/db/seed-plans.ts';
import type { PlanDefinition } from '../../../src/domain/plans/plan-types.ts';
import { openSuiteDatabase } from './fixture.ts';

describe('db plan seeding', function () {
  let orm: MikroORM;

  before(async () => {
    orm = await openSuiteDatabase('dbseed');
  });

  after(async () => {
    await orm?.close(true);
  });

  async function storedPlans() {
    const plans = await orm.em.fork().find(SubscriptionPlan, {}, { orderBy: { priceCents: 'asc' } });
    return new Map(plans.map((p) => [p.name, p]));
  }

  it('inserts Free, Pro and Elite exactly as config/plans.ts defines them', async () => {
    const result = await seedPlans(orm.em.fork());
    assert.deepEqual(result, { inserted: ['free', 'pro', 'elite'], updated: [], unchanged: [], deactivated: [] });
    const stored = await storedPlans();
    assert.deepEqual([...stored.keys()], ['free', 'pro', 'elite']);
    for (const plan of Object.values(PLANS)) {
      const row = stored.get(plan.name);
      assert.ok(row);
      assert.deepEqual(
        {
          name: row.name, displayName: row.displayName, description: row.description, priceCents: row.priceCents,
          billingPeriod: row.billingPeriod, tier: row.tier, limits: row.limits, features: row.features, rateLimits: row.rateLimits,
        },
        plan,
      );
      assert.equal(row.isActive, true);
    }
    // The figures the product promises, spelled out so a config slip is caught here too.
    assert.equal(stored.get('free')?.limits.sessions, 1);
    assert.equal(stored.get('free')?.limits.pairs, 5);
    assert.equal(stored.get('pro')?.limits.sessions, 3);
    assert.equal(stored.get('pro')?.limits.pairs, null);
    assert.equal(stored.get('elite')?.limits.sessions, 5);
    assert.equal(stored.get('elite')?.features.multiAccount, true);
    assert.equal(stored.get('pro')?.features.multiAccount, false);
  });

  it('is idempotent: a second run writes nothing', async () => {
    const before = await storedPlans();
    const result = await seedPlans(orm.em.fork());
    assert.deepEqual(result, { inserted: [], updated: [], unchanged: ['free', 'pro', 'elite'], deactivated: [] });
    const afterRun = await storedPlans();
    for (const [name, row] of before) {
      assert.equal(afterRun.get(name)?.id, row.id);
      assert.equal(afterRun.get(name)?.updatedAt.getTime(), row.updatedAt.getTime());
    }
  });

  it('updates only the plans whose config changed, keeping their ids', async () => {
    const before = await storedPlans();
    const changed: Record<string, PlanDefinition> = {
      ...PLANS,
      pro: { ...PLANS.pro, limits: { ...PLANS.pro.limits, sessions: 4 }, priceCents: 1299 },
    };
    assert.deepEqual(await seedPlans(orm.em.fork(), changed), { inserted: [], updated: ['pro'], unchanged: ['free', 'elite'], deactivated: [] });
    const pro = (await storedPlans()).get('pro');
    assert.equal(pro?.id, before.get('pro')?.id);
    assert.equal(pro?.limits.sessions, 4);
    assert.equal(pro?.priceCents, 1299);
    assert.ok((pro?.updatedAt.getTime() ?? 0) > (before.get('pro')?.updatedAt.getTime() ?? 0));
    // And back to the real config, as the next start would do.
    assert.deepEqual((await seedPlans(orm.em.fork())).updated, ['pro']);
  });

  it('deactivates a plan dropped from the config, and reactivates it when it returns', async () => {
    const { elite: _elite, ...withoutElite } = PLANS;
    assert.deepEqual(await seedPlans(orm.em.fork(), withoutElite), {
      inserted: [], updated: [], unchanged: ['free', 'pro'], deactivated: ['elite'],
    });
    assert.equal((await storedPlans()).get('elite')?.isActive, false);
    assert.deepEqual((await seedPlans(orm.em.fork())).updated, ['elite']);
    assert.equal((await storedPlans()).get('elite')?.isActive, true);
  });

  it('survives concurrent starts seeding at once', async () => {
    await orm.em.fork().nativeDelete(SubscriptionPlan, {});
    const results = await Promise.all([seedPlans(orm.em.fork()), seedPlans(orm.em.fork()), seedPlans(orm.em.fork())]);
    assert.deepEqual(results.map((r) => r.inserted.length).sort(), [0, 0, 3]);
    assert.equal((await storedPlans()).size, 3);
  });
});
