import assert from 'node:assert/strict';
import { loadOwnerPlans } from '../../../src/forwarding/store/owner-plans.ts';
import { ForwardingWorld } from './forwarding-fixture.ts';

describe('the runtime\'s view of each owner\'s plan (PostgreSQL)', function () {
  this.timeout(30_000);
  let world: ForwardingWorld;
  before(async () => {
    world = await ForwardingWorld.create('fwd_plans');
  });
  after(async () => {
    await world?.close();
  });

  it('follows the current subscription until it expires, then Free; suspended users run nothing', async () => {
    const [current, lapsed, free, suspended] = [await world.user('pro'), await world.user('elite'), await world.user('free'), await world.user('pro')];
    const subs = world.sql.table('user_subscriptions');
    await world.sql.all(`update ${subs} set expires_at = now() + interval '1 day' where user_id = ?`, [current]);
    await world.sql.all(`update ${subs} set expires_at = now() - interval '1 second' where user_id = ?`, [lapsed]);
    await world.sql.all(`update ${world.sql.table('users')} set status = 'suspended' where id = ?`, [suspended]);
    const plans = await loadOwnerPlans(world.sql, new Date());
    assert.equal(plans.get(current)?.tier, 'pro');
    assert.equal(plans.get(lapsed)?.tier, 'free');
    assert.equal(plans.get(free)?.tier, 'free');
    assert.equal(plans.has(suspended), false);
    const only = await loadOwnerPlans(world.sql, new Date(), [current, free]);
    assert.deepEqual([...only.keys()].sort(), [current, free].sort());
  });
});
