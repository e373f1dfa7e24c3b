/**
 * `npm run bench -- forward-telegram`: 1,000 Telegram → Telegram pairs over
 * 40 Telegram user accounts (real gramjs clients in the supervisor's worker
 * processes) against the MTProto fake, with Telegram's send pacing on (the
 * fake answers FLOOD_WAIT past it), at a fixed offered rate. Reports
 * offered and delivered per second, messages lost and duplicated, latency
 * from the source message's creation in the fake to its forward's, per
 * tier, CPU per message (the supervisor and its workers; and this process,
 * which is the fake, standing in for Telegram), and `flood_waits`: the
 * FLOOD_WAIT answers the fake gave. Targets (issue 12), at 500 msg/s over 1,000 pairs: 0 lost, 0
 * duplicated, p99 ≤ 100 ms, at most 1 flood wait per 10,000 messages.
 *
 * Why this shape: Telegram lets an account send about 30 messages a second,
 * about 1 a second into one chat and about 20 a minute into one group. 500
 * msg/s over 1,000 pairs is 0.5 a second per pair, so each pair writes to a
 * private chat of its own (a group would take only a third of a message a
 * second), and the accounts carry 12 to 17 a second each (the Free ones
 * 2.5), about half of what Telegram allows: a real deployment keeps that
 * headroom, and the pacer's margin (27/s) stays above the load. Each pair
 * reads a basic group of its own where a human writes, and forwards
 * natively (messages.forwardMessages, the header kept) through the same
 * account. Pairs are offered in a shuffled round-robin, so no account gets
 * its pairs' messages back to back.
 *
 * Accounts: half Elite (five per user), a quarter Pro and a quarter Free
 * (one per user, as the plans allow; a Free account has the Free plan's
 * five pairs); the other pairs are spread over the Elite and Pro accounts.
 * Plan message rates are off (as in the Discord forward bench): this
 * measures the engine and Telegram's pacing, not the Free plan's 20
 * messages a minute. Latencies count the messages offered after
 * `--warmup-s`; lost and duplicated count every message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Tier } from '../src/domain/plans/plan-types.ts';
import { runtimeChannel } from '../src/api/runtime-notifier.ts';
import type { FakeGroup, FakeUser } from '../test/fakes/telegram/telegram-fake.ts';
import { ForwardingWorld, waitFor } from '../test/integration/forwarding/forwarding-fixture.ts';
import { TEST_DATABASE_URL, TEST_REDIS_URL, testEnv } from '../test/helpers/namespace.ts';
import { treeCpuMs } from './_process-cpu.ts';
import { reply, stopChild, SUPERVISOR_CHILD } from './_supervisor-child.ts';

const { values } = parseArgs({
  options: {
    pairs: { type: 'string', default: '1000' },
    accounts: { type: 'string', default: '40' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    // One worker process: the fake (Telegram), the supervisor, PostgreSQL and Redis share this host's two cores.
    workers: { type: 'string', default: '1' },
    threads: { type: 'string', default: '2' },
    'warmup-s': { type: 'string', default: '3' },
    // Telegram's pacing off in the fake and the sessions: what the pacing itself costs.
    unpaced: { type: 'boolean', default: false },
  },
});
const PAIRS = Number(values.pairs);
const ACCOUNTS = Number(values.accounts);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
/** Seconds offered before measuring: the first ones pay for JIT and lazy loading (gramjs loads on a thread's first connect). */
const WARMUP_S = Number(values['warmup-s']);
const TICK_MS = 10;

const progress = (m: string): void => void process.stderr.write(`bench forward-telegram: ${m}\n`);
const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

interface ChildStatus { workers: Array<{ heapBytes: number; rssBytes: number; threadRestarts: number }> }
const restartsOf = (st: ChildStatus): number => st.workers.reduce((n, w) => n + w.threadRestarts, 0);

interface BenchAccount { user: FakeUser; userId: string; accountId: string; tier: Tier }
interface BenchPair { source: FakeGroup; reader: FakeUser; account: BenchAccount; tier: Tier }

/** A fixed shuffle, so runs offer the same order. */
function shuffled<T>(items: T[]): T[] {
  let seed = 12_345;
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function build(world: ForwardingWorld, writer: FakeUser): Promise<BenchPair[]> {
  const tg = world.tg!;
  const elite = Math.floor(ACCOUNTS / 2);
  const pro = Math.floor(ACCOUNTS / 4);
  const tiers: Tier[] = Array.from({ length: ACCOUNTS }, (_, i) => (i < elite ? 'elite' : i < elite + pro ? 'pro' : 'free'));
  const accounts: BenchAccount[] = [];
  let owner = '';
  for (const [i, tier] of tiers.entries()) {
    if (tier !== 'elite' || i % 5 === 0) owner = await world.user(tier);
    const user = tg.createUser({ phone: `+1556${String(i).padStart(7, '0')}`, firstName: `Relay ${i}` });
    const { accountId } = await world.telegramAccount(owner, user);
    accounts.push({ user, userId: owner, accountId, tier });
  }
  const free = accounts.filter((a) => a.tier === 'free');
  const paid = accounts.filter((a) => a.tier !== 'free');
  const owners: BenchAccount[] = [];
  for (const a of free) for (let k = 0; k < 5 && owners.length < PAIRS; k++) owners.push(a);
  for (let k = 0; owners.length < PAIRS; k++) owners.push(paid[k % paid.length]!);
  const pairs: BenchPair[] = [];
  for (const [i, account] of owners.entries()) {
    const source = tg.createGroup({ title: `source ${i}`, members: [account.user.id, writer.id], creatorId: writer.id });
    const reader = tg.createUser({ phone: `+1557${String(i).padStart(7, '0')}`, firstName: `Reader ${i}` });
    // A private chat exists once it has a message.
    tg.sendAsUser(reader.id, account.user.id, { text: 'hello' });
    const end = (chatId: string) => ({ platform: 'telegram' as const, accountId: account.accountId, chatId });
    await world.pair({ userId: account.userId, source: end(tg.markedId(source)), destination: end(reader.id) });
    pairs.push({ source, reader, account, tier: account.tier });
  }
  return shuffled(pairs);
}

/** The forwards of bench messages in `pair`'s destination, with the sequence number each carries. */
function forwardsIn(world: ForwardingWorld, pair: BenchPair, tag: RegExp): Array<{ seq: number; at: number }> {
  return world.tg!.messages(pair.reader.id, pair.account.user.id).flatMap((m) => {
    if (m.fromId !== pair.account.user.id) return [];
    const seq = Number(tag.exec(m.text)?.[1]);
    return Number.isInteger(seq) ? [{ seq, at: m.createdAt }] : [];
  });
}

const world = await ForwardingWorld.create('fwd_tg_bench', { telegram: true, unpaced: values.unpaced });
const tg = world.tg!;
let supervisor: ChildProcess | null = null;
try {
  supervisor = spawn(process.execPath, ['--import', 'tsx', SUPERVISOR_CHILD], {
    env: testEnv({
      DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: world.schema, REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: world.prefix,
      SECRET_KEYS: world.secretKeys, DISCORD_API_URL: world.fake.apiUrl, WORKERS: String(values.workers), THREADS: String(values.threads),
      PLAN_RATES: 'off', EXPECT_SESSIONS: '0', MAIL_DIR: world.mailDir, ...world.telegramEnv(),
    }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await reply(supervisor, 'ready');
  const writer = tg.createUser({ phone: '+15559999999', firstName: 'Writer' });
  progress(`building ${ACCOUNTS} accounts and ${PAIRS} pairs`);
  const pairs = await build(world, writer);
  const connectStarted = performance.now();
  const running = reply(supervisor, 'ready', { type: 'expect', sessions: ACCOUNTS });
  await world.redis.publish(runtimeChannel(world.prefix), JSON.stringify({ kind: 'user', id: 'bench', userId: 'bench', action: 'upsert' }));
  await running;
  // Every pair forwards one message before the offer starts: then every account watches its sources and knows its destinations.
  const ready = /^ready (\d+)$/;
  for (const [i, pair] of pairs.entries()) {
    tg.sendAsUser(writer.id, pair.source, { text: `ready ${i}` });
    if (i % 50 === 49) await sleep(100);
  }
  const silent = (): BenchPair[] => pairs.filter((p) => forwardsIn(world, p, ready).length === 0);
  const readyLog = setInterval(() => progress(`${pairs.length - silent().length} of ${pairs.length} pairs forwarding`), 10_000);
  try {
    await waitFor('every pair forwarding', () => silent().length === 0, 180_000);
  } catch (err) {
    const byAccount = new Map<string, number>();
    for (const p of silent()) byAccount.set(`${p.account.tier} ${p.account.accountId}`, (byAccount.get(`${p.account.tier} ${p.account.accountId}`) ?? 0) + 1);
    progress(`pairs not forwarding, by account: ${JSON.stringify(Object.fromEntries(byAccount))}`);
    progress(`supervisor status: ${JSON.stringify(await reply(supervisor, 'status', { type: 'status' }))}`);
    throw err;
  } finally {
    clearInterval(readyLog);
  }
  const connectS = (performance.now() - connectStarted) / 1_000;
  // The probes' slots in each chat and account bucket refill before the offer.
  await sleep(3_000);
  progress(`every pair forwarding ${connectS.toFixed(1)} s after the accounts were announced; offering ${RATE} msg/s for ${SECONDS} s`);

  const floodWaitsBefore = tg.stats().floodWaits;
  const restartsBefore = restartsOf(await reply<ChildStatus>(supervisor, 'status', { type: 'status' }));
  const callsBefore = tg.stats().calls['messages.forwardMessages'] ?? 0;
  const allCallsBefore = tg.stats().calls;
  const sent: { pair: BenchPair; at: number }[] = [];
  let cpuAtMeasure = -1;
  let fakeCpuAtMeasure = process.cpuUsage();
  const perTick = (RATE * TICK_MS) / 1_000;
  const started = performance.now();
  // The workers' heap as the run goes: a heap that keeps growing would show here before latency does.
  const heapLog = setInterval(() => {
    void reply<ChildStatus>(supervisor!, 'status', { type: 'status' }).then((st) => {
      const mb = (n: number): string => (n / 1_048_576).toFixed(0);
      progress(`${((performance.now() - started) / 1_000).toFixed(0)} s: workers' heap ${mb(st.workers.reduce((n, w) => n + w.heapBytes, 0))} MB, `
        + `RSS ${mb(st.workers.reduce((n, w) => n + w.rssBytes, 0))} MB, thread restarts ${restartsOf(st)}`);
    });
  }, 3_000);
  let owed = 0;
  while (performance.now() - started < (WARMUP_S + SECONDS) * 1_000) {
    if (cpuAtMeasure < 0 && performance.now() - started >= WARMUP_S * 1_000) {
      cpuAtMeasure = treeCpuMs(supervisor.pid!);
      fakeCpuAtMeasure = process.cpuUsage();
    }
    owed += perTick;
    for (; owed >= 1; owed -= 1) {
      const seq = sent.length;
      const pair = pairs[seq % pairs.length]!;
      const m = tg.sendAsUser(writer.id, pair.source, { text: `bench ${seq}` });
      sent.push({ pair, at: m.createdAt });
    }
    const next = started + (sent.length / RATE) * 1_000;
    await sleep(Math.max(0, next - performance.now()));
  }
  clearInterval(heapLog);
  const offeredS = (performance.now() - started) / 1_000;
  const runtimeCpuMs = treeCpuMs(supervisor.pid!) - cpuAtMeasure;
  const fakeCpu = process.cpuUsage(fakeCpuAtMeasure);
  const measuredFrom = Math.floor(WARMUP_S * RATE);
  progress(`offered ${sent.length}; draining`);
  const tag = /^bench (\d+)$/;
  const countDelivered = (): number => pairs.reduce((n, p) => n + forwardsIn(world, p, tag).length, 0);
  await waitFor('every message delivered', () => countDelivered() >= sent.length, 120_000).catch(() => {});
  await sleep(1_000);

  const seen = new Map<number, number>();
  const bySecond = new Map<number, number[]>();
  const latencies: Record<Tier, number[]> = { elite: [], pro: [], free: [] };
  const all: number[] = [];
  let lastAt = 0;
  for (const p of pairs) {
    for (const { seq, at } of forwardsIn(world, p, tag)) {
      seen.set(seq, (seen.get(seq) ?? 0) + 1);
      lastAt = Math.max(lastAt, at);
      const ms = at - sent[seq]!.at;
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
  const floodWaits = tg.stats().floodWaits - floodWaitsBefore;
  const threadRestarts = restartsOf(await reply<ChildStatus>(supervisor, 'status', { type: 'status' })) - restartsBefore;
  const forwardCalls = (tg.stats().calls['messages.forwardMessages'] ?? 0) - callsBefore;
  progress(`messages.forwardMessages calls: ${forwardCalls} for ${sent.length} messages`);
  const calls = Object.entries(tg.stats().calls).map(([m, n]) => [m, n - (allCallsBefore[m] ?? 0)]).filter(([, n]) => (n as number) > 0);
  progress(`Telegram calls during the run and drain: ${JSON.stringify(Object.fromEntries(calls))}`);
  const lost = sent.length - seen.size;
  const duplicated = [...seen.values()].reduce((n, c) => n + c - 1, 0);
  all.sort((a, b) => a - b);
  const tierFigures = Object.fromEntries((Object.keys(latencies) as Tier[]).map((t) => {
    const l = latencies[t].sort((a, b) => a - b);
    return [t, { delivered: l.length, p50_ms: percentile(l, 50), p99_ms: percentile(l, 99) }];
  }));
  const firstAt = sent[0]?.at ?? 0;
  console.log(JSON.stringify({
    bench: 'forward-telegram', direction: 'tg_to_tg', pairs: PAIRS, accounts: ACCOUNTS, seconds: SECONDS, warmup_s: WARMUP_S,
    offered_per_s: Math.round(sent.length / offeredS), delivered_per_s: Math.round(seen.size / ((lastAt - firstAt) / 1_000)),
    lost, duplicated, p50_ms: percentile(all, 50), p99_ms: percentile(all, 99), tiers: tierFigures,
    flood_waits: floodWaits, flood_waits_per_10k: Number(((floodWaits / Math.max(1, sent.length)) * 10_000).toFixed(2)),
    runtime_cpu_ms_per_msg: Number((runtimeCpuMs / Math.max(1, sent.length - measuredFrom)).toFixed(3)),
    fake_cpu_ms_per_msg: Number(((fakeCpu.user + fakeCpu.system) / 1_000 / Math.max(1, sent.length - measuredFrom)).toFixed(3)),
    thread_restarts: threadRestarts, ready_s: Number(connectS.toFixed(1)), plan_rates: 'off', telegram_pacing: values.unpaced ? 'off' : 'on',
    targets: { lost: 0, duplicated: 0, p99_ms: 100, flood_waits_per_10k: 1 },
  }));
} finally {
  await stopChild(supervisor);
  await world.close();
}
