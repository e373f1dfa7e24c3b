/**
 * How a supervisor starts the sessions it owns (at start-up, and when it
 * takes over a failed host's accounts): several at once, up to
 * `startConcurrency`, so taking over many accounts lasts about one start
 * rather than one per account; every Elite session running before a Pro
 * one starts, every Pro before a Free. Each start is slowed by the same
 * 300 ms (a stand-in for a slow gateway) through the supervisor's
 * before-start hook, where the test also counts the starts under way.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TIER_PRIORITY, type Tier } from '../../../src/domain/plans/plan-types.ts';
import type { SupervisorRuntime } from '../../../supervisor/supervisor-runtime.ts';
import { ForwardingWorld } from './forwarding-fixture.ts';

describe('session starts', function () {
  this.timeout(60_000);
  let world: ForwardingWorld;
  let runtime: SupervisorRuntime;

  before(async () => {
    world = await ForwardingWorld.create('session_starts');
    // Nothing linked yet: the hook is in place before the first start.
    runtime = await world.start({}, {}, { sync: { startConcurrency: 3 } });
  });

  after(() => world?.close());

  it('start up to startConcurrency at once, each tier running before the next one starts', async () => {
    const tiers: Tier[] = ['free', 'pro', 'elite', 'free', 'elite', 'pro', 'elite', 'pro', 'elite', 'free', 'pro'];
    const tierOf = new Map<string, Tier>();
    for (const [i, tier] of tiers.entries()) {
      const userId = await world.user(tier);
      const bot = await world.bot(userId, `bot${i}`);
      await world.pair({ userId, source: { accountId: bot.accountId, chatId: world.channel() }, destination: { accountId: bot.accountId, chatId: world.channel() } });
      tierOf.set(bot.accountId, tier);
    }
    const { supervisor } = runtime;
    const lookForHandovers = supervisor.beforeStart;
    let underWay = 0;
    let most = 0;
    const began = new Map<string, number>();
    const running = new Map<string, number>();
    supervisor.beforeStart = async (actorId) => {
      began.set(actorId, Date.now());
      underWay += 1;
      most = Math.max(most, underWay);
      try {
        await sleep(300);
        await lookForHandovers?.(actorId);
      } finally {
        underWay -= 1;
      }
    };
    supervisor.on('session', (view) => {
      if (view.state === 'running') running.set(view.actorId, Date.now());
    });

    await runtime.sync!.reconcile();

    assert.equal(running.size, tiers.length, 'every session running once the reconcile is over');
    assert.equal(most, 3, 'three starts under way at once, never more');
    for (const [earlier, later] of [['elite', 'pro'], ['pro', 'free']] as const) {
      const lastRunning = Math.max(...[...running].filter(([id]) => tierOf.get(id) === earlier).map(([, at]) => at));
      const firstBegun = Math.min(...[...began].filter(([id]) => tierOf.get(id) === later).map(([, at]) => at));
      assert.ok(lastRunning <= firstBegun, `every ${earlier} session running (${lastRunning}) before a ${later} one began (${firstBegun})`);
    }
    const order = [...began].sort((x, y) => x[1] - y[1]).map(([id]) => tierOf.get(id)!);
    assert.deepEqual(order, [...order].sort((x, y) => TIER_PRIORITY[y] - TIER_PRIORITY[x]), `begun in plan order: ${order.join(', ')}`);
  });
});
