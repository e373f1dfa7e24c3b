import assert from 'node:assert/strict';
import { PLANS } from '../../../config/plans.ts';
import { usageCounterKey, usagePeriodAt } from '../../../src/api/usage/usage-period.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

describe('plan limits hold at runtime, whatever the database holds', function () {
  this.timeout(60_000);
  let world: ForwardingWorld;
  let user: string;
  let bot: Awaited<ReturnType<ForwardingWorld['bot']>>;
  let second: Awaited<ReturnType<ForwardingWorld['bot']>>;
  const sources: string[] = [];
  const destinations: string[] = [];

  before(async () => {
    world = await ForwardingWorld.create('fwd_limits');
    user = await world.user('free');
    bot = await world.bot(user, 'only');
    second = await world.bot(user, 'one-too-many');
    for (let i = 0; i < 7; i++) {
      sources.push(world.channel(`s${i}`));
      destinations.push(world.channel(`d${i}`));
    }
    // Six plain pairs (Free allows five), then one with a regex filter (a paid feature).
    for (let i = 0; i < 6; i++) {
      await world.pair({ userId: user, source: { accountId: bot.accountId, chatId: sources[i]! }, destination: { accountId: bot.accountId, chatId: destinations[i]! } });
    }
    await world.pair({
      userId: user, source: { accountId: bot.accountId, chatId: sources[6]! }, destination: { accountId: bot.accountId, chatId: destinations[6]! },
      filters: [{ kind: 'regex', mode: 'include', pattern: 'x' }],
    });
    await world.start();
    await world.running(1);
  });

  after(async () => {
    await world?.close();
  });

  it('runs one session and five pairs for a Free user; the rest are held with the reason', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const sessions = [...world.runtime!.supervisor.sessions.all()].map((r) => r.spec.actorId);
    assert.deepEqual(sessions, [bot.accountId], 'the second bot is over the one-session limit');
    for (let i = 0; i < 7; i++) world.fake.postAsUser(sources[i]!, { content: `limit ${i}` });
    await waitFor('five pairs deliver', () => destinations.slice(0, 5).every((d) => world.fake.messages(d).length === 1));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(world.fake.messages(destinations[5]!).length, 0, 'the sixth pair is over the Free limit');
    assert.equal(world.fake.messages(destinations[6]!).length, 0, 'a regex filter is not in the Free plan');
    void second;
  });

  it('counts forwarded messages in the usage counter and stops at the plan\'s monthly allowance', async () => {
    const key = usageCounterKey('messages', user, usagePeriodAt(new Date()).label);
    const limit = PLANS.free.limits.messagesPerPeriod!;
    await world.redis.set(key, String(limit - 2));
    world.fake.postAsUser(sources[0]!, { content: 'quota a' });
    await waitFor('delivered under the allowance', () => world.fake.messages(destinations[0]!).some((m) => m.content.includes('quota a')));
    await waitFor('counted', async () => Number(await world.redis.get(key)) === limit - 1);
    world.fake.postAsUser(sources[0]!, { content: 'quota b' });
    await waitFor('the last one allowed', () => world.fake.messages(destinations[0]!).some((m) => m.content.includes('quota b')));
    await waitFor('counted to the limit', async () => Number(await world.redis.get(key)) === limit);
    world.fake.postAsUser(sources[0]!, { content: 'quota c' });
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(world.fake.messages(destinations[0]!).some((m) => m.content.includes('quota c')), false, 'past the allowance nothing is forwarded');
    assert.ok(world.runtime!.engine!.counters.skipped.monthly_quota >= 1);
  });
});
