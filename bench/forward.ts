/**
 * `npm run bench -- forward`: 1,000 pairs over 100 discord.js bots (real
 * clients in the supervisor's worker processes) against the Discord fake, at
 * a fixed offered rate. Reports delivered per second, messages lost and
 * duplicated, latency from the source message's creation in the fake to its
 * copy's creation (the destination POST), per tier, and RSS per connected bot.
 * Plan message rates are off (as in the scheduler bench): this measures the
 * engine, not the Free plan's 20 messages a minute.
 *
 * Bots: a third each Elite (five per user), Pro (three per user) and Free
 * (one per user, with the Free plan's five pairs); the other pairs are spread
 * over the Elite and Pro bots. Each pair reads its own channel and writes to
 * its own channel, through the same bot.
 */
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Tier } from '../src/domain/plans/plan-types.ts';
import { ForwardingWorld, waitFor } from '../test/integration/forwarding/forwarding-fixture.ts';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '1000' },
    bots: { type: 'string', default: '100' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    workers: { type: 'string', default: '2' },
  },
});
const PAIRS = Number(values.pairs);
const BOTS = Number(values.bots);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const TICK_MS = 10;

const progress = (m: string): void => void process.stderr.write(`bench forward: ${m}\n`);
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface BenchPair { source: string; destination: string; tier: Tier }

async function build(world: ForwardingWorld): Promise<{ pairs: BenchPair[]; botIds: string[] }> {
  const perTier = Math.floor(BOTS / 3);
  const tiers: Tier[] = Array.from({ length: BOTS }, (_, i) => (i < perTier ? 'elite' : i < 2 * perTier ? 'pro' : 'free'));
  const botsPerUser: Record<Tier, number> = { elite: 5, pro: 3, free: 1 };
  const bots: { accountId: string; userId: string; tier: Tier; guild: string }[] = [];
  const botIds: string[] = [];
  let user = '';
  for (let i = 0; i < BOTS; i++) {
    const tier = tiers[i]!;
    const first = i === 0 || tiers[i - 1] !== tier;
    const indexInTier = first ? 0 : bots.filter((b) => b.tier === tier).length;
    if (indexInTier % botsPerUser[tier] === 0) user = await world.user(tier);
    const guild = world.guild(`g${i}`);
    const bot = await world.bot(user, `bench-${i}`, guild);
    botIds.push(bot.botId);
    bots.push({ accountId: bot.accountId, userId: user, tier, guild });
  }
  const free = bots.filter((b) => b.tier === 'free');
  const paid = bots.filter((b) => b.tier !== 'free');
  const owners: typeof bots = [];
  for (const b of free) for (let k = 0; k < 5 && owners.length < PAIRS; k++) owners.push(b);
  for (let k = 0; owners.length < PAIRS; k++) owners.push(paid[k % paid.length]!);
  const pairs: BenchPair[] = [];
  for (const [i, b] of owners.entries()) {
    const source = world.channel(`s${i}`, b.guild);
    const destination = world.channel(`d${i}`, b.guild);
    await world.pair({ userId: b.userId, source: { accountId: b.accountId, chatId: source }, destination: { accountId: b.accountId, chatId: destination } });
    pairs.push({ source, destination, tier: b.tier });
  }
  return { pairs, botIds };
}

function workersRss(world: ForwardingWorld): number {
  return world.runtime!.supervisor.workers().reduce((sum, w) => sum + (w.lastStatus?.rssBytes ?? 0), 0);
}

const world = await ForwardingWorld.create('fwd_bench');
try {
  progress('starting the supervisor with no linked accounts');
  await world.start({ workers: Number(values.workers), threadsPerWorker: 2, statusIntervalMs: 500 }, { scheduler: { rateFor: () => null } });
  await sleep(1_500);
  const idleRss = workersRss(world);
  progress(`building ${BOTS} bots and ${PAIRS} pairs`);
  const { pairs, botIds } = await build(world);
  const connectStarted = performance.now();
  await world.runtime!.sync!.reconcile();
  await world.running(BOTS);
  await waitFor('every bot connected to the gateway', () => botIds.every((id) => world.fake.connectedCount(id) > 0), 60_000);
  const connectS = (performance.now() - connectStarted) / 1_000;
  await sleep(2_000);
  const rssPerBotKb = Math.max(0, workersRss(world) - idleRss) / BOTS / 1_024;
  progress(`connected in ${connectS.toFixed(1)} s; offering ${RATE} msg/s for ${SECONDS} s`);

  const sent: { pair: BenchPair; at: number }[] = [];
  const perTick = (RATE * TICK_MS) / 1_000;
  const started = performance.now();
  let owed = 0;
  while (performance.now() - started < SECONDS * 1_000) {
    owed += perTick;
    for (; owed >= 1; owed -= 1) {
      const seq = sent.length;
      const pair = pairs[seq % pairs.length]!;
      const m = world.fake.postAsUser(pair.source, { content: `bench ${seq}` });
      sent.push({ pair, at: m.createdAt });
    }
    const next = started + (sent.length / RATE) * 1_000;
    await sleep(Math.max(0, next - performance.now()));
  }
  const offeredS = (performance.now() - started) / 1_000;
  progress(`offered ${sent.length}; draining`);
  const countDelivered = (): number => pairs.reduce((n, p) => n + world.fake.messages(p.destination).length, 0);
  await waitFor('every message delivered', () => countDelivered() >= sent.length, 60_000).catch(() => {});
  const lastAt = Math.max(...pairs.flatMap((p) => world.fake.messages(p.destination).map((m) => m.createdAt)));

  const seen = new Map<number, number>();
  const latencies: Record<Tier, number[]> = { elite: [], pro: [], free: [] };
  const all: number[] = [];
  for (const p of pairs) {
    for (const m of world.fake.messages(p.destination)) {
      const seq = Number(/bench (\d+)/.exec(m.content)?.[1]);
      if (!Number.isInteger(seq)) continue;
      seen.set(seq, (seen.get(seq) ?? 0) + 1);
      const ms = m.createdAt - sent[seq]!.at;
      latencies[p.tier].push(ms);
      all.push(ms);
    }
  }
  const lost = sent.length - seen.size;
  const duplicated = [...seen.values()].reduce((n, c) => n + c - 1, 0);
  all.sort((a, b) => a - b);
  const tierFigures = Object.fromEntries((Object.keys(latencies) as Tier[]).map((t) => {
    const l = latencies[t].sort((a, b) => a - b);
    return [t, { delivered: l.length, p50_ms: percentile(l, 50), p99_ms: percentile(l, 99) }];
  }));
  const firstAt = sent[0]?.at ?? 0;
  console.log(JSON.stringify({
    bench: 'forward', pairs: PAIRS, bots: BOTS, seconds: SECONDS,
    offered_per_s: Math.round(sent.length / offeredS), delivered_per_s: Math.round(seen.size / ((lastAt - firstAt) / 1_000)),
    lost, duplicated, p50_ms: percentile(all, 50), p99_ms: percentile(all, 99), tiers: tierFigures,
    rss_per_bot_kb: Math.round(rssPerBotKb), connect_s: Number(connectS.toFixed(1)), plan_rates: 'off',
  }));
} finally {
  await world.close();
}
