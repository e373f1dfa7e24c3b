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
 * its own channel, through the same bot. Latencies count the messages offered
 * after `--warmup-s`; lost and duplicated count every message.
 * `runtime_cpu_ms_per_msg`: CPU the supervisor and its workers spent per
 * message offered after the warm-up (Linux /proc), steadier than latency on
 * a shared machine. `rate_limited`: the 429s the fake sent, by scope (its
 * modelled Discord rate limits are on).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Tier } from '../src/domain/plans/plan-types.ts';
import { runtimeChannel } from '../src/api/runtime-notifier.ts';
import { ForwardingWorld, waitFor } from '../test/integration/forwarding/forwarding-fixture.ts';
import { TEST_DATABASE_URL, TEST_REDIS_URL, testEnv } from '../test/helpers/namespace.ts';
import { treeCpuMs } from './_process-cpu.ts';
import { reply, stopChild, SUPERVISOR_CHILD } from './_supervisor-child.ts';


const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '1000' },
    bots: { type: 'string', default: '100' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '20' },
    // One worker process: on this 2-core host the fake (standing in for Discord), the supervisor, PostgreSQL
    // and Redis share the cores, and a second worker measured p99 54 ms against 30 ms for one.
    workers: { type: 'string', default: '1' },
    'warmup-s': { type: 'string', default: '3' },
  },
});
const PAIRS = Number(values.pairs);
const BOTS = Number(values.bots);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
/** Seconds offered before measuring: the first ones pay for JIT and lazy loading (discord.js loads on a thread's first connect). */
const WARMUP_S = Number(values['warmup-s']);
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

/** The supervisor runs in a process of its own, as in production: the fake's event loop is Discord's, not ours. */
function startSupervisor(world: ForwardingWorld): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SUPERVISOR_CHILD], {
    env: testEnv({
      DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: world.schema, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: world.prefix,
      SECRET_KEYS: world.secretKeys, DISCORD_API_URL: world.fake.apiUrl, WORKERS: String(values.workers), PLAN_RATES: 'off', EXPECT_SESSIONS: '0',
    }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return reply(child, 'ready').then(() => child);
}

async function workersRss(child: ChildProcess): Promise<number> {
  return (await reply<{ bytes: number }>(child, 'rss', { type: 'rss' })).bytes;
}

// Discord's rate limits as the fake models them (per-route buckets, 50 requests/s per bot): discord.js paces from their headers.
const world = await ForwardingWorld.create('fwd_bench', { discord: { rateLimits: {} } });
let supervisor: ChildProcess | null = null;
try {
  progress('starting the supervisor with no linked accounts');
  supervisor = await startSupervisor(world);
  await sleep(2_000);
  const idleRss = await workersRss(supervisor);
  progress(`building ${BOTS} bots and ${PAIRS} pairs`);
  const { pairs, botIds } = await build(world);
  const connectStarted = performance.now();
  const running = reply(supervisor, 'ready', { type: 'expect', sessions: BOTS });
  await world.redis.publish(runtimeChannel(world.prefix), JSON.stringify({ kind: 'user', id: 'bench', userId: 'bench', action: 'upsert' }));
  await running;
  await waitFor('every bot connected to the gateway', () => botIds.every((id) => world.fake.connectedCount(id) > 0), 60_000);
  const connectS = (performance.now() - connectStarted) / 1_000;
  await sleep(2_000);
  const rssPerBotKb = Math.max(0, (await workersRss(supervisor)) - idleRss) / BOTS / 1_024;
  progress(`connected in ${connectS.toFixed(1)} s; offering ${RATE} msg/s for ${SECONDS} s`);

  const sent: { pair: BenchPair; at: number }[] = [];
  let cpuAtMeasure = -1;
  const perTick = (RATE * TICK_MS) / 1_000;
  const started = performance.now();
  let owed = 0;
  while (performance.now() - started < (WARMUP_S + SECONDS) * 1_000) {
    if (cpuAtMeasure < 0 && performance.now() - started >= WARMUP_S * 1_000) cpuAtMeasure = treeCpuMs(supervisor.pid!);
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
  // Delivery trails the offer by milliseconds; the drain below would add idle timers, so CPU is read here.
  const runtimeCpuMs = treeCpuMs(supervisor.pid!) - cpuAtMeasure;
  const measuredFrom = Math.floor(WARMUP_S * RATE);
  progress(`offered ${sent.length}; draining`);
  const countDelivered = (): number => pairs.reduce((n, p) => n + world.fake.messages(p.destination).length, 0);
  await waitFor('every message delivered', () => countDelivered() >= sent.length, 60_000).catch(() => {});
  const lastAt = Math.max(...pairs.flatMap((p) => world.fake.messages(p.destination).map((m) => m.createdAt)));

  const bySecond = new Map<number, number[]>();
  const seen = new Map<number, number>();
  const latencies: Record<Tier, number[]> = { elite: [], pro: [], free: [] };
  const all: number[] = [];
  for (const p of pairs) {
    for (const m of world.fake.messages(p.destination)) {
      const seq = Number(/bench (\d+)/.exec(m.content)?.[1]);
      if (!Number.isInteger(seq)) continue;
      seen.set(seq, (seen.get(seq) ?? 0) + 1);
      const ms = m.createdAt - sent[seq]!.at;
      const second = Math.floor((sent[seq]!.at - (sent[0]?.at ?? 0)) / 1_000);
      bySecond.set(second, [...(bySecond.get(second) ?? []), ms]);
      if (seq < measuredFrom) continue;
      latencies[p.tier].push(ms);
      all.push(ms);
    }
  }
  for (const [second, l] of [...bySecond].sort((a, b) => a[0] - b[0])) {
    l.sort((a, b) => a - b);
    progress(`second ${second}: p50 ${percentile(l, 50)} ms, p99 ${percentile(l, 99)} ms, max ${l.at(-1)} ms`);
  }
  progress(`Discord requests by route: ${JSON.stringify(world.fake.stats().requests)}`);
  const lost = sent.length - seen.size;
  const duplicated = [...seen.values()].reduce((n, c) => n + c - 1, 0);
  all.sort((a, b) => a - b);
  const tierFigures = Object.fromEntries((Object.keys(latencies) as Tier[]).map((t) => {
    const l = latencies[t].sort((a, b) => a - b);
    return [t, { delivered: l.length, p50_ms: percentile(l, 50), p99_ms: percentile(l, 99) }];
  }));
  const firstAt = sent[0]?.at ?? 0;
  console.log(JSON.stringify({
    bench: 'forward', pairs: PAIRS, bots: BOTS, seconds: SECONDS, warmup_s: WARMUP_S,
    offered_per_s: Math.round(sent.length / offeredS), delivered_per_s: Math.round(seen.size / ((lastAt - firstAt) / 1_000)),
    lost, duplicated, p50_ms: percentile(all, 50), p99_ms: percentile(all, 99), tiers: tierFigures,
    rss_per_bot_kb: Math.round(rssPerBotKb), connect_s: Number(connectS.toFixed(1)), plan_rates: 'off',
    runtime_cpu_ms_per_msg: Number((runtimeCpuMs / Math.max(1, sent.length - measuredFrom)).toFixed(3)),
    rate_limited: world.fake.stats().rateLimited,
  }));
} finally {
  await stopChild(supervisor);
  await world.close();
}
