/**
 * `npm run bench -- cluster`: accounts shared across three supervisors in
 * child processes (one Redis, PostgreSQL and Discord fake), with traffic
 * throughout: USERS users (default 30, a third each Elite, Pro, Free), one
 * bot each reading one channel into another, a message into every source
 * every `--every-ms` (default 100: 300 msg/s offered with 30 users). Redis
 * is a private redis-server started here as production runs it (append-only
 * file, fsync every second, no eviction; the children refuse less), so it
 * can be restarted; PostgreSQL is the machine's.
 *
 * Steps: A alone owns everything; B joins, then C (accounts moved by each
 * join); Redis is restarted (SHUTDOWN, down `--redis-down-ms`, default
 * 5 000, started again on its files: seconds until a message posted after
 * it came back has reached every account, and each tier's, as the queue
 * drains Elite first; lost, duplicated and out of order among the messages
 * posted from just before the SHUTDOWN until 2 s after that); B is SIGKILLed (seconds until each of its accounts runs
 * elsewhere, and until the first of their messages posted after the kill
 * arrives); C leaves with SIGTERM (accounts moved, seconds until they run on
 * A); then traffic stops and everything posted must arrive: lost,
 * duplicated and out of order per pair over the whole run, offered and
 * delivered msg/s. Targets (issue 16): 0 lost, 0 duplicated, 0 out of order
 * in every step; resumed within LEASE_TTL + 5 s after the kill (the
 * children's lease TTL is 3 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import type { Tier } from '../src/domain/plans/plan-types.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../src/infra/embedded-redis.ts';
import { findOnPath } from '../src/infra/process-tools.ts';
import { shutdownRedis } from '../test/helpers/redis-shutdown.ts';
import { OwnershipWorld, waitFor, type Host } from '../test/integration/forwarding/ownership-fixture.ts';
import { freePort } from '../test/integration/infra/free-port.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '30' },
    'every-ms': { type: 'string', default: '100' },
    'redis-down-ms': { type: 'string', default: '5000' },
  },
});
const USERS = Number(values.users);
const EVERY_MS = Number(values['every-ms']);
const REDIS_DOWN_MS = Number(values['redis-down-ms']);
/** The children's lease TTL (test/integration/forwarding/fixtures/supervisor-child.ts). */
const LEASE_TTL_MS = 3_000;
const TIERS: Tier[] = ['elite', 'pro', 'free'];

const progress = (m: string): void => void process.stderr.write(`bench cluster: ${m}\n`);

const executable = await findOnPath('redis-server');
if (executable === null) throw new Error('bench cluster: redis-server not on PATH');
const redisDir = mkdtempSync(join(tmpdir(), 'sb-bench-cluster-redis-'));
const redisPort = await freePort();
const startRedis = (): Promise<EmbeddedRedis> => startEmbeddedRedis({ executable, root: redisDir, port: redisPort, logger: pino({ level: 'warn' }), appendfsync: 'everysec' });
let redis: EmbeddedRedis | null = await startRedis();
const redisUrl = redis.url;
const launch = { env: { REDIS_PERSISTENCE_CHECK: 'strict' } };

const w = await OwnershipWorld.create('bench_cluster', Array.from({ length: USERS }, (_, i) => TIERS[i % 3]!));
try {
  const all = w.accounts.map((a) => a.accountId).sort();
  const [aId, bId, cId] = ['cl-a', 'cl-b', 'cl-c'];
  const start = (id: string, members: string[]): Promise<Host> => w.start(id, w.share(id, members).length, redisUrl, launch);
  const a = await start(aId, [aId]);
  progress(`${aId} runs all ${all.length} accounts; traffic every ${EVERY_MS} ms`);
  const offeredFrom = Date.now();
  /** When each step happened: an out-of-order message is reported against them. */
  const steps: Array<[string, number]> = [];
  const step = (name: string): number => {
    const at = Date.now();
    steps.push([name, at]);
    return at;
  };
  w.startTraffic(EVERY_MS);
  await sleep(2_000);

  const movedOnJoin: number[] = [];
  step(`${bId} joins`);
  const b = await start(bId, [aId, bId]);
  await waitFor('A down to its share with B', async () => (await a.running()).join() === w.share(aId, [aId, bId]).join(), 20_000);
  movedOnJoin.push(w.share(bId, [aId, bId]).length);
  const three = [aId, bId, cId];
  step(`${cId} joins`);
  const c = await start(cId, three);
  const atShares = async (): Promise<boolean> => (await a.running()).join() === w.share(aId, three).join()
    && (await b.running()).join() === w.share(bId, three).join() && (await c.running()).join() === w.share(cId, three).join();
  await waitFor('A and B down to their shares with C', atShares, 20_000);
  movedOnJoin.push(w.share(cId, three).length);
  progress(`joins moved ${movedOnJoin.join(' and ')} accounts; shares ${three.map((id) => w.share(id, three).length).join('/')}`);
  await sleep(2_000);

  const beforeRestart = w.marks();
  const shutdownAt = step('Redis SHUTDOWN');
  await shutdownRedis(redis);
  redis = null;
  await sleep(REDIS_DOWN_MS);
  redis = await startRedis();
  const upAt = step('Redis back');
  const downS = (upAt - shutdownAt) / 1_000;
  const upMarks = w.marks();
  // Every session lost its lease and catches up, on a queue that drains Elite first: each tier's time is its own.
  const tierResumedS: Partial<Record<Tier, number>> = {};
  await waitFor('every account forwarding after the Redis restart', () => {
    for (const tier of TIERS) {
      if (tierResumedS[tier] === undefined && w.resumedSince(upMarks, (x) => x.tier === tier)) tierResumedS[tier] = (Date.now() - upAt) / 1_000;
    }
    return TIERS.every((tier) => tierResumedS[tier] !== undefined);
  }, 120_000);
  const resumedAfterRestartS = Math.max(...Object.values(tierResumedS));
  await waitFor('the three back at their shares', atShares, 30_000);
  await sleep(2_000);
  const afterRestart = w.marks();
  progress(`Redis restarted: down ${downS.toFixed(1)} s, every account forwarding ${resumedAfterRestartS.toFixed(1)} s after it came back (${JSON.stringify(tierResumedS)})`);

  const bShare = w.share(bId, three);
  const arrivedAtKill = new Map<string, number>();
  const killedAt = step(`${bId} SIGKILL`);
  await b.stop('SIGKILL');
  // What each of B's accounts had posted at the kill: the first message after it shows forwarding resumed.
  for (const x of w.accounts) arrivedAtKill.set(x.accountId, w.arrived(x).length);
  const running = async (): Promise<number> => (await a.running()).length + (await c.running()).length;
  await waitFor('every account running on A or C', async () => (await running()) === all.length, 30_000);
  const runningAgainS = (Date.now() - killedAt) / 1_000;
  const resumed = (): boolean => w.accounts.filter((x) => bShare.includes(x.accountId)).every((x) => w.arrived(x).length > arrivedAtKill.get(x.accountId)! + 1);
  await waitFor('B\'s accounts forwarding again', resumed, 30_000);
  const resumedS = (Date.now() - killedAt) / 1_000;
  progress(`SIGKILL of ${bId}: its ${bShare.length} accounts running again after ${runningAgainS.toFixed(1)} s, forwarding after ${resumedS.toFixed(1)} s`);
  await sleep(2_000);

  const cShare = w.share(cId, [aId, cId]);
  const leftAt = step(`${cId} SIGTERM`);
  await c.stop('SIGTERM');
  await waitFor('A running everything', async () => (await a.running()).length === all.length, 30_000);
  const leaveS = (Date.now() - leftAt) / 1_000;
  progress(`${cId} left (SIGTERM): ${cShare.length} accounts on ${aId} after ${leaveS.toFixed(1)} s`);
  await sleep(2_000);
  w.stopTraffic();
  const offeredS = (Date.now() - offeredFrom) / 1_000;
  await w.settle(60_000);
  const v = w.verdict();
  const s = (at: number): string => `${((at - offeredFrom) / 1_000).toFixed(2)} s`;
  for (const d of w.disorders()) {
    const account = w.accounts.find((x) => x.src === d.src)!;
    progress(`out of order: ${account.accountId} (${account.tier}) #${d.n} arrived at ${s(d.arrivedAt)}, after #${d.after} at ${s(d.afterArrivedAt)}; steps ${steps.map(([name, at]) => `${name} ${s(at)}`).join(', ')}`);
  }
  const r = w.verdict({ from: beforeRestart, to: afterRestart });
  const status = await a.status();
  console.log(JSON.stringify({
    bench: 'cluster', supervisors: 3, accounts: all.length,
    offered_per_s: Math.round(v.posted / offeredS), delivered_per_s: Math.round(v.delivered / offeredS),
    posted: v.posted, delivered: v.delivered, lost: v.lost, duplicated: v.duplicated, out_of_order: v.outOfOrder,
    dead_letters: status.deadLettered, bots_connected_twice: w.doubleRuns().length,
    moved_on_join: movedOnJoin, moved_on_kill: bShare.length, moved_on_leave: cShare.length,
    running_again_after_kill_s: Number(runningAgainS.toFixed(1)), resumed_after_kill_s: Number(resumedS.toFixed(1)),
    leave_s: Number(leaveS.toFixed(1)), lease_ttl_s: LEASE_TTL_MS / 1_000,
    redis_restart: {
      down_s: Number(downS.toFixed(1)), resumed_after_s: Number(resumedAfterRestartS.toFixed(1)),
      resumed_after_s_by_tier: Object.fromEntries(TIERS.map((t) => [t, Number(tierResumedS[t]!.toFixed(1))])),
      posted: r.posted, lost: r.lost, duplicated: r.duplicated, out_of_order: r.outOfOrder,
    },
    targets: { lost: 0, duplicated: 0, out_of_order: 0, resumed_after_kill_s: LEASE_TTL_MS / 1_000 + 5 },
  }));
} finally {
  await w.close();
  await redis?.stop(5_000);
  rmSync(redisDir, { recursive: true, force: true });
}
