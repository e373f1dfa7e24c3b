/**
 * Accounts shared across supervisors (separate processes on one Redis,
 * PostgreSQL and Discord fake): a joining supervisor takes only its share, a
 * clean stop hands its share back at once, a SIGKILLed one's accounts run
 * on the others within the lease TTL plus a little, Elite first, and one cut
 * off from Redis stops its actors before their leases end. Traffic
 * flows throughout; every message arrives once and in order, and no bot is
 * ever connected twice.
 */
import assert from 'node:assert/strict';
import { CAPACITY, OwnershipWorld, waitFor } from './ownership-fixture.ts';
import { TIER_PRIORITY, type Tier } from '../../../src/domain/plans/plan-types.ts';
import { TEST_REDIS_URL } from '../../helpers/namespace.ts';
import { TcpCut } from '../../helpers/tcp-cut.ts';

const TIERS: Tier[] = ['elite', 'pro', 'free', 'elite', 'pro', 'free'];
/** The children's lease TTL (fixtures/supervisor-child.ts). */
const LEASE_TTL_MS = 3_000;

describe('accounts shared across supervisors (real processes, Discord fake)', function () {
  this.timeout(90_000);
  let w: OwnershipWorld;

  afterEach(async () => {
    await w?.close();
  });

  async function assertClean(): Promise<void> {
    const v = w.verdict();
    const live = w.hosts.filter((h) => !h.exited);
    const deadLettered = (await Promise.all(live.map((h) => h.status()))).reduce((n, s) => n + s.deadLettered, 0);
    process.stdout.write(`      ${JSON.stringify(v)}; dead-lettered on the live hosts: ${deadLettered}; most gateway connections of one bot at once: ${Math.max(...w.maxConnections.values())}\n`);
    assert.deepEqual({ lost: v.lost, duplicated: v.duplicated, outOfOrder: v.outOfOrder }, { lost: 0, duplicated: 0, outOfOrder: 0 });
    assert.ok(v.posted > 0);
    assert.deepEqual(w.doubleRuns(), [], 'no bot was connected from two places at once');
  }

  it('a joiner takes only its share; a clean stop hands it back at once', async () => {
    w = await OwnershipWorld.create('own_join', TIERS);
    const all = w.accounts.map((a) => a.accountId).sort();
    const a = await w.start('own-a', all.length);
    assert.deepEqual(await a.running(), all, 'alone, it owns everything');
    const before = (await a.status()).startedAt;
    w.startTraffic(150);
    await new Promise((r) => setTimeout(r, 1_000));

    const bId = w.secondHostId('own-a');
    const bShare = w.share(bId, ['own-a', bId]);
    const joinedAt = Date.now();
    const b = await w.start(bId, bShare.length);
    await waitFor('the first host down to its share', async () => (await a.running()).length === all.length - bShare.length, 10_000);
    process.stdout.write(`      join: ${bShare.length} of ${all.length} accounts moved in ${Date.now() - joinedAt} ms (process start included)\n`);
    assert.deepEqual(await b.running(), bShare);
    assert.deepEqual(await a.running(), w.share('own-a', ['own-a', bId]));
    const after = (await a.status()).startedAt;
    for (const id of await a.running()) assert.equal(after[id], before[id], `${id} stayed where it was, never restarted`);
    await new Promise((r) => setTimeout(r, 1_000));

    const leftAt = Date.now();
    await b.stop('SIGTERM');
    await waitFor('the first host owns everything again', async () => (await a.running()).length === all.length, 10_000);
    process.stdout.write(`      clean leave: ${bShare.length} accounts back in ${Date.now() - leftAt} ms from SIGTERM\n`);
    await new Promise((r) => setTimeout(r, 1_000));
    w.stopTraffic();
    await w.settle();
    await assertClean();
  });

  it('a SIGKILLed host\'s accounts run on the other within the lease TTL plus a little, Elite first', async () => {
    w = await OwnershipWorld.create('own_kill', TIERS);
    const all = w.accounts.map((a) => a.accountId).sort();
    const a = await w.start('own-a', all.length);
    const bId = w.secondHostId('own-a');
    const bShare = w.share(bId, ['own-a', bId]);
    const b = await w.start(bId, bShare.length);
    await waitFor('the first host down to its share', async () => (await a.running()).length === all.length - bShare.length, 10_000);
    w.startTraffic(150);
    await new Promise((r) => setTimeout(r, 1_500));

    const killedAt = Date.now();
    await b.stop('SIGKILL');
    await waitFor('every account running on the survivor', async () => (await a.running()).length === all.length, 15_000);
    const tookMs = Date.now() - killedAt;
    // Leases lapse within their TTL; membership notices within one more second, and polling here adds a little.
    process.stdout.write(`      kill: ${bShare.length} accounts running on the survivor ${tookMs} ms after SIGKILL (lease TTL ${LEASE_TTL_MS} ms)\n`);
    assert.ok(tookMs < LEASE_TTL_MS + 4_000, `took ${tookMs} ms`);

    const startedAt = (await a.status()).startedAt;
    const moved = w.accounts.filter((x) => bShare.includes(x.accountId))
      .map((x) => ({ tier: x.tier, at: startedAt[x.accountId]! }))
      .sort((x, y) => x.at - y.at);
    const order = moved.map((m) => m.tier);
    assert.deepEqual(order, [...order].sort((x, y) => TIER_PRIORITY[y] - TIER_PRIORITY[x]), `started in plan order: ${order.join(', ')}`);

    await new Promise((r) => setTimeout(r, 1_000));
    w.stopTraffic();
    await w.settle();
    await assertClean();
    assert.equal(CAPACITY, 2);
  });

  it('a host cut off from Redis stops its actors before their leases end, the other takes over, and it gets its share back once healed', async () => {
    w = await OwnershipWorld.create('own_cut', TIERS);
    const redisAt = new URL(TEST_REDIS_URL);
    const relay = await TcpCut.start({ host: redisAt.hostname, port: Number(redisAt.port || 6379) });
    try {
      const all = w.accounts.map((a) => a.accountId).sort();
      const a = await w.start('own-a', all.length);
      const bId = w.secondHostId('own-a');
      const bShare = w.share(bId, ['own-a', bId]);
      const b = await w.start(bId, bShare.length, `redis://${redisAt.hostname}:${relay.port}`);
      await waitFor('the first host down to its share', async () => (await a.running()).length === all.length - bShare.length, 10_000);
      w.startTraffic(150);
      await new Promise((r) => setTimeout(r, 1_500));

      const cutAt = Date.now();
      relay.cut();
      await waitFor('the cut host\'s bots disconnected', () => w.connected(bShare) === 0, 10_000);
      const stoppedMs = Date.now() - cutAt;
      await waitFor('every account running on the reachable host', async () => (await a.running()).length === all.length, 15_000);
      const tookMs = Date.now() - cutAt;
      process.stdout.write(`      cut: its actors stopped ${stoppedMs} ms after the cut, running on the other host after ${tookMs} ms (lease TTL ${LEASE_TTL_MS} ms)\n`);
      assert.ok(stoppedMs < LEASE_TTL_MS, 'stopped before any lease it held could end');
      await new Promise((r) => setTimeout(r, 1_000));

      // Traffic goes on through the heal: the users move back while both shards may hold tasks of their
      // pairs (what the cut-off host had accepted is claimed once its status snapshot expires). Each
      // supervisor hands over what it does not send itself, so neither holds a pair behind the other.
      const healedAt = Date.now();
      relay.heal();
      await waitFor('the healed host runs its share again', async () => (await b.running()).join() === bShare.join(), 20_000);
      await waitFor('the other host back to its share', async () => (await a.running()).length === all.length - bShare.length, 10_000);
      process.stdout.write(`      healed: its ${bShare.length} accounts back on it ${Date.now() - healedAt} ms after the heal\n`);
      await new Promise((r) => setTimeout(r, 2_000));
      w.stopTraffic();
      await w.settle();
      await assertClean();
    } finally {
      await relay.close();
    }
  });
});
