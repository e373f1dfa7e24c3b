/**
 * `npm run bench -- scheduler [--tasks N] [--runs R] [--in-flight C] [--bullmq-tasks N]
 *   [--overload-s S] [--slots N] [--service-ms MS] [--service-spread F] [--offer-tick-ms MS]
 *   [--drain-s S] [--parts throughput,overload,crash]`
 *
 * Switchboard's durable forwarding scheduler (PriorityScheduler + TaskStore
 * in Redis, driven the way the dispatcher drives it) against BullMQ
 * prioritized jobs, the queue a user would pick instead, on the same Redis:
 *
 * 1. throughput: N tasks (10 % Elite, 30 % Pro, 60 % Free; 5 000 users,
 *    10 000 pairs, 5 000 sending accounts; see `_scheduler-workload.ts`)
 *    through durable enqueue, dispatch and ack with a no-op send, from the
 *    first enqueue to the last durable ack. Switchboard holds at most C in
 *    flight (`maxInFlightPerWorker`), BullMQ runs one Worker of concurrency C;
 *    both sources add batches of 1 000 (`Queue.addBulk`, priority 1/2/3), and
 *    both run a small warm-up first so neither is timed while its code is cold.
 *    R runs of each, alternating; the figures are each system's median run.
 *    Plan limits are off (no `rateFor` / `backlogFor` cap): the defaults would
 *    hold a Free user to 20 messages a minute and measure the plans instead.
 * 2. overload: a sender of `slots` concurrent sends of `service-ms` each on
 *    average (capacity slots / service-ms), offered twice that for
 *    `overload-s` seconds, a share every `offer-tick-ms`; wait from enqueue to
 *    dispatch per tier. The defaults model a worker's real sends: network
 *    round trips of 25 to 75 ms (service-ms x (1 ± service-spread), fixed per
 *    task index so both systems get the same times), 100 in flight, and
 *    messages arriving all the time rather than in bursts. With one fixed
 *    time (2 ms, 4 slots, 5 ms bursts; an earlier default) every slot filled
 *    in one timer tick ended in the same later tick, and Elite's wait measured
 *    Node's timer coalescing rather than the queue. After the window the
 *    backlog drains for at most `drain-s`; what is left is dropped and counted,
 *    its wait so far counted in the percentiles (so they are lower bounds then).
 * 3. crash: the throughput workload in a child (`_scheduler-crash-child.ts`),
 *    SIGKILLed half-way, a second child restores the shard and finishes.
 *    The destination checks an idempotency ledger before its no-op sink:
 *    `lost` (never reached the sink), `duplicated` (reached it twice),
 *    `redelivered` (handed out again after the restart, absorbed by the ledger).
 *
 * Needs Redis: REDIS_URL, default redis://127.0.0.1:6379 (keys under a
 * throwaway prefix, a fresh one per system and part, deleted at the end).
 * Last line: one JSON object.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Job } from 'bullmq';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { deleteByPrefix } from '../src/cluster/delete-by-prefix.ts';
import type { Tier } from '../src/domain/plans/plan-types.ts';
import { PriorityScheduler } from '../src/scheduler/core/priority-scheduler.ts';
import type { NewForwardTask } from '../src/scheduler/core/task.ts';
import { DurableScheduler } from '../src/scheduler/durable-scheduler.ts';
import { TaskStore } from '../src/scheduler/store/task-store.ts';
import { benchSchedulerOptions, benchTask, BULLMQ_PRIORITY, taskIndex, tierOfTask } from './_scheduler-workload.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'in-flight': { type: 'string', default: '1000' },
    'bullmq-tasks': { type: 'string' },
    'overload-s': { type: 'string', default: '20' },
    slots: { type: 'string', default: '100' },
    'service-ms': { type: 'string', default: '50' },
    'offer-tick-ms': { type: 'string', default: '1' },
    'service-spread': { type: 'string', default: '0.5' },
    'drain-s': { type: 'string', default: '15' },
    parts: { type: 'string', default: 'throughput,overload,crash' },
    // Overload only: sender slots kept for Elite (the scheduler's reservedWorkerSlots); BullMQ has no equivalent.
    'reserved-elite': { type: 'string', default: '0' },
  },
});
const TASKS = Number(values.tasks);
const RUNS = Number(values.runs);
const IN_FLIGHT = Number(values['in-flight']);
const BULLMQ_TASKS = Number(values['bullmq-tasks'] ?? TASKS);
const OVERLOAD_MS = Number(values['overload-s']) * 1_000;
const SLOTS = Number(values.slots);
const SERVICE_MS = Number(values['service-ms']);
const SERVICE_SPREAD = Number(values['service-spread']);
const PARTS = new Set(values.parts.split(','));
for (const part of PARTS) if (!['throughput', 'overload', 'crash'].includes(part)) throw new Error(`--parts: unknown part ${part} (throughput, overload, crash)`);
if (!(SERVICE_SPREAD >= 0 && SERVICE_SPREAD < 1)) throw new Error('--service-spread must be at least 0 and below 1');
const DRAIN_MS = Number(values['drain-s']) * 1_000;
const RESERVED_ELITE = Number(values['reserved-elite']);
const CAPACITY_PER_S = (SLOTS / SERVICE_MS) * 1_000;
const OFFERED_PER_S = 2 * CAPACITY_PER_S;
const OFFERED_MAX = Math.ceil((OFFERED_PER_S * OVERLOAD_MS) / 1_000);
const BATCH = 1_000;
const WARMUP = 5_000;
const OFFER_TICK_MS = Number(values['offer-tick-ms']);
/** BullMQ's throughput run is cut here and its rate taken from what completed. */
const BULLMQ_CAP_MS = 180_000;
const OWNER = 'bench';
const QUEUE = 'forward';
const CHILD = fileURLToPath(new URL('./_scheduler-crash-child.ts', import.meta.url));

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const base = `bench:scheduler:${randomUUID().slice(0, 8)}:`;
const bullConnection = { url: redisUrl, maxRetriesPerRequest: null };

function progress(message: string): void {
  process.stderr.write(`bench scheduler: ${message}\n`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Send time of task i: SERVICE_MS spread by a hash of i (same for both systems, no shared RNG state). */
function serviceMs(i: number): number {
  const h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  return SERVICE_MS * (1 + SERVICE_SPREAD * ((h / 0xffffffff) * 2 - 1));
}

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** A Switchboard shard of its own under `prefix`, restored (empty) and ready. */
async function openSwitchboard(prefix: string, inFlight: number, reservedElite = 0): Promise<{ ds: DurableScheduler; redis: Redis }> {
  const redis = new Redis(redisUrl, { keyPrefix: prefix });
  const ds = new DurableScheduler(new PriorityScheduler(benchSchedulerOptions(inFlight, reservedElite)), new TaskStore(redis, { owner: OWNER }));
  await ds.restore(Date.now());
  return { ds, redis };
}

function bullJob(task: NewForwardTask, extra: object = {}): { name: string; data: object; opts: object } {
  return { name: QUEUE, data: { ...task, ...extra }, opts: { priority: BULLMQ_PRIORITY[task.tier], removeOnComplete: true, removeOnFail: true } };
}

// ---------------------------------------------------------------- throughput

interface Run {
  tasks: number;
  ms: number;
}

async function switchboardThroughput(prefix: string, n: number): Promise<Run> {
  const { ds, redis } = await openSwitchboard(prefix, IN_FLIGHT);
  const all = Promise.withResolvers<void>();
  let acked = 0;
  const onAck = (): void => {
    if (++acked === n) all.resolve();
  };
  // The caller drives take and ack (as the dispatcher does); a freed slot is refilled at once.
  const pump = (): void => {
    for (let r = ds.take(Date.now()); r.task !== null; r = ds.take(Date.now())) void deliver(r.task.id);
  };
  const deliver = async (id: string): Promise<void> => {
    await Promise.resolve(); // the no-op send
    ds.ack(id, Date.now()).then(onAck, all.reject);
    pump();
  };
  const started = performance.now();
  for (let from = 0; from < n; from += BATCH) {
    const now = Date.now();
    const pending = [];
    for (let i = from; i < Math.min(n, from + BATCH); i++) pending.push(ds.enqueue(benchTask(i, now), now));
    pump();
    const results = await Promise.all(pending);
    if (!results.every((r) => r.accepted)) throw new Error('switchboard refused a task');
  }
  await all.promise;
  const ms = performance.now() - started;
  await ds.close();
  redis.disconnect();
  return { tasks: n, ms };
}

async function bullmqThroughput(prefix: string, n: number): Promise<Run> {
  const queue = new Queue(QUEUE, { connection: bullConnection, prefix });
  const worker = new Worker(QUEUE, async () => {}, { connection: bullConnection, prefix, concurrency: IN_FLIGHT });
  const all = Promise.withResolvers<boolean>();
  let completed = 0;
  worker.on('completed', () => {
    if (++completed === n) all.resolve(false);
  });
  worker.on('error', all.reject);
  await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
  let stopped = false;
  const started = performance.now();
  const source = (async () => {
    for (let from = 0; from < n && !stopped; from += BATCH) {
      const now = Date.now();
      const jobs = [];
      for (let i = from; i < Math.min(n, from + BATCH); i++) jobs.push(bullJob(benchTask(i, now)));
      await queue.addBulk(jobs);
    }
  })();
  source.catch(all.reject);
  const cap = setTimeout(() => all.resolve(true), BULLMQ_CAP_MS);
  const capped = await all.promise;
  const ms = performance.now() - started;
  const done = completed;
  clearTimeout(cap);
  stopped = true;
  await source;
  await worker.close(true);
  await queue.close();
  return { tasks: capped ? done : n, ms };
}

// ---------------------------------------------------------------- overload

interface TierFigures {
  p50_ms: number;
  p99_ms: number;
  dispatched: number;
  dropped: number;
}

interface OverloadFigures {
  delivered_per_s: number;
  dropped: number;
  elite: TierFigures;
  pro: TierFigures;
  free: TierFigures;
}

/** Enqueue times by task index, and the wait of each task at its first dispatch. */
class WaitLog {
  readonly #offeredAt = new Float64Array(OFFERED_MAX);
  readonly #seen = new Uint8Array(OFFERED_MAX);
  readonly #waits: Record<Tier, number[]> = { elite: [], pro: [], free: [] };
  dispatched = 0;
  delivered = 0;

  offered(i: number): void {
    this.#offeredAt[i] = performance.now();
  }

  dispatch(i: number): void {
    if (this.#seen[i] === 1) return;
    this.#seen[i] = 1;
    this.dispatched++;
    this.#waits[tierOfTask(i)].push(performance.now() - this.#offeredAt[i]!);
  }

  /** Figures per tier over the `sent` tasks; those never dispatched count with their wait so far. */
  figures(sent: number, deliveredInWindow: number): OverloadFigures {
    const now = performance.now();
    const dropped: Record<Tier, number> = { elite: 0, pro: 0, free: 0 };
    for (let i = 0; i < sent; i++) {
      if (this.#seen[i] === 1) continue;
      const tier = tierOfTask(i);
      dropped[tier]++;
      this.#waits[tier].push(now - this.#offeredAt[i]!);
    }
    const tier = (t: Tier): TierFigures => {
      const sorted = this.#waits[t].sort((a, b) => a - b);
      return { p50_ms: round(percentile(sorted, 50)), p99_ms: round(percentile(sorted, 99)), dispatched: sorted.length - dropped[t], dropped: dropped[t] };
    };
    return {
      delivered_per_s: Math.round(deliveredInWindow / (OVERLOAD_MS / 1_000)),
      dropped: sent - this.dispatched,
      elite: tier('elite'), pro: tier('pro'), free: tier('free'),
    };
  }
}

/** Offers OFFERED_PER_S tasks for OVERLOAD_MS, every few ms the ones now due; returns how many. */
async function offer(send: (from: number, to: number) => void): Promise<number> {
  const started = performance.now();
  let sent = 0;
  for (;;) {
    const elapsed = Math.min(performance.now() - started, OVERLOAD_MS);
    const due = Math.min(OFFERED_MAX, Math.floor((OFFERED_PER_S * elapsed) / 1_000));
    if (due > sent) {
      send(sent, due);
      sent = due;
    }
    if (elapsed >= OVERLOAD_MS) return sent;
    await sleep(OFFER_TICK_MS);
  }
}

async function drain(log: WaitLog, sent: number): Promise<void> {
  const until = performance.now() + DRAIN_MS;
  while (log.dispatched < sent && performance.now() < until) await sleep(50);
}

async function switchboardOverload(prefix: string): Promise<OverloadFigures> {
  // The worker's in-flight bound is the sender's slots: the scheduler, not a pool, decides what waits.
  const { ds, redis } = await openSwitchboard(prefix, SLOTS, RESERVED_ELITE);
  const log = new WaitLog();
  let failure: unknown = null;
  const onError = (error: unknown): void => {
    failure ??= error;
  };
  let open = true;
  let sending = 0;
  const pump = (): void => {
    if (!open) return;
    for (let r = ds.take(Date.now()); r.task !== null; r = ds.take(Date.now())) {
      const id = r.task.id;
      const i = taskIndex(id);
      log.dispatch(i);
      sending++;
      setTimeout(() => {
        sending--;
        log.delivered++;
        ds.ack(id, Date.now()).catch(onError);
        pump();
      }, serviceMs(i));
    }
  };
  const sent = await offer((from, to) => {
    const now = Date.now();
    const pending = [];
    for (let i = from; i < to; i++) {
      log.offered(i);
      pending.push(ds.enqueue(benchTask(i, now), now));
    }
    // As the forwarding queue does: dispatch starts at once, acceptance waits for Redis.
    pump();
    Promise.all(pending).catch(onError);
  });
  const deliveredInWindow = log.delivered;
  await drain(log, sent);
  open = false;
  while (sending > 0) await sleep(5);
  await ds.close();
  redis.disconnect();
  if (failure !== null) throw failure;
  return log.figures(sent, deliveredInWindow);
}

async function bullmqOverload(prefix: string): Promise<OverloadFigures> {
  const log = new WaitLog();
  let failure: unknown = null;
  const onError = (error: unknown): void => {
    failure ??= error;
  };
  let open = true;
  const queue = new Queue(QUEUE, { connection: bullConnection, prefix });
  const worker = new Worker(QUEUE, async (job: Job<{ n: number }>) => {
    if (!open) return;
    log.dispatch(job.data.n);
    await sleep(serviceMs(job.data.n));
    log.delivered++;
  }, { connection: bullConnection, prefix, concurrency: SLOTS });
  worker.on('error', onError);
  await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
  const sent = await offer((from, to) => {
    const now = Date.now();
    const jobs = [];
    for (let i = from; i < to; i++) {
      log.offered(i);
      jobs.push(bullJob(benchTask(i, now), { n: i }));
    }
    queue.addBulk(jobs).catch(onError);
  });
  const deliveredInWindow = log.delivered;
  await drain(log, sent);
  open = false;
  await worker.close();
  await queue.close();
  if (failure !== null) throw failure;
  return log.figures(sent, deliveredInWindow);
}

// ---------------------------------------------------------------- crash

type ChildMessage =
  | { type: 'restored'; restored: number; loadMs: number }
  | { type: 'accepted'; through: number }
  | { type: 'done'; redelivered: number };

function runChild(prefix: string, sendFrom: number, onMessage: (m: ChildMessage, child: ChildProcess) => void): Promise<{ code: number | null; signal: string | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, OWNER, TOTAL: String(TASKS), SEND_FROM: String(sendFrom),
      BATCH: String(BATCH), IN_FLIGHT: String(IN_FLIGHT), LEDGER: 'ledger', SINK: 'sink',
    },
    // Our stdout ends with the JSON line: the child's stays out of it.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  child.on('message', (m) => onMessage(m as ChildMessage, child));
  return new Promise((done) => child.on('exit', (code, signal) => done({ code, signal })));
}

async function crash(prefix: string): Promise<Record<string, number>> {
  const redis = new Redis(redisUrl, { keyPrefix: prefix });
  try {
    let confirmed = 0;
    let finished = false;
    const exit1 = await runChild(prefix, 0, (m, child) => {
      if (m.type === 'accepted') {
        confirmed = Math.max(confirmed, m.through);
        if (confirmed >= TASKS / 2 && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      } else if (m.type === 'done') finished = true;
    });
    if (finished || exit1.signal !== 'SIGKILL') throw new Error(`crash child 1 was not killed mid-run (${JSON.stringify(exit1)})`);

    const store = new TaskStore(redis, { owner: OWNER });
    const pending = new Set((await store.loadPending()).map((t) => t.idempotencyKey));
    const deliveredAtKill = await redis.hkeys('sink');
    const inFlightAtKill = deliveredAtKill.filter((k) => pending.has(k)).length;
    progress(`crash: killed after ${confirmed} accepted, ${deliveredAtKill.length} delivered, ${pending.size} pending (${inFlightAtKill} of them delivered)`);

    let restored = -1;
    let redelivered = -1;
    const exit2 = await runChild(prefix, confirmed, (m) => {
      if (m.type === 'restored') restored = m.restored;
      else if (m.type === 'done') redelivered = m.redelivered;
    });
    if (exit2.code !== 0) throw new Error(`crash child 2 failed (${JSON.stringify(exit2)})`);

    const sink = await redis.hgetall('sink');
    let lost = 0;
    for (let i = 0; i < TASKS; i++) if (sink[`k${i}`] === undefined) lost++;
    const duplicated = Object.values(sink).filter((v) => Number(v) > 1).length;
    return {
      lost, duplicated, redelivered, restored, accepted_at_kill: confirmed, delivered_at_kill: deliveredAtKill.length,
      in_flight_at_kill: inFlightAtKill, left_pending: await store.pendingCount(),
    };
  } finally {
    redis.disconnect();
  }
}

// ---------------------------------------------------------------- main

async function throughput(): Promise<object> {
  progress(`throughput: warm-up (${WARMUP} tasks each)`);
  await switchboardThroughput(`${base}warm-sb:`, WARMUP);
  await bullmqThroughput(`${base}warm-bull`, WARMUP);

  // Runs alternate between the systems so a slow spell of the machine hits both; each reports its median.
  const sbRates: number[] = [];
  const bullRates: number[] = [];
  let bullTasks = 0;
  for (let run = 1; run <= RUNS; run++) {
    gc();
    const sb = await switchboardThroughput(`${base}sb${run}:`, TASKS);
    sbRates.push((sb.tasks / sb.ms) * 1_000);
    progress(`throughput ${run}/${RUNS}: switchboard ${sb.tasks} tasks in ${(sb.ms / 1_000).toFixed(2)} s = ${Math.round(sbRates.at(-1)!)}/s`);
    gc();
    const bull = await bullmqThroughput(`${base}bull${run}`, BULLMQ_TASKS);
    bullRates.push((bull.tasks / bull.ms) * 1_000);
    bullTasks = bull.tasks;
    progress(`throughput ${run}/${RUNS}: bullmq ${bull.tasks} tasks in ${(bull.ms / 1_000).toFixed(2)} s = ${Math.round(bullRates.at(-1)!)}/s`);
  }
  const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);
  const sbPerS = median(sbRates);
  const bullPerS = median(bullRates);
  return {
    runs: RUNS,
    switchboard_per_s: Math.round(sbPerS),
    bullmq_per_s: Math.round(bullPerS),
    bullmq_tasks: bullTasks,
    ratio: round(sbPerS / bullPerS, 1),
    switchboard_runs_per_s: sbRates.map(Math.round),
    bullmq_runs_per_s: bullRates.map(Math.round),
  };
}

async function overload(): Promise<object> {
  progress(`overload: ${SLOTS} sends x ${SERVICE_MS} ms (± ${SERVICE_SPREAD * 100} %) = ${CAPACITY_PER_S}/s capacity, offered ${OFFERED_PER_S}/s for ${OVERLOAD_MS / 1_000} s, drain <= ${DRAIN_MS / 1_000} s`);
  gc();
  const sbOver = await switchboardOverload(`${base}over-sb:`);
  progress(`overload: switchboard ${JSON.stringify(sbOver)}`);
  gc();
  const bullOver = await bullmqOverload(`${base}over-bull`);
  progress(`overload: bullmq ${JSON.stringify(bullOver)}`);
  return {
    seconds: OVERLOAD_MS / 1_000,
    capacity_per_s: CAPACITY_PER_S,
    service_ms: SERVICE_MS,
    service_spread: SERVICE_SPREAD,
    reserved_elite_slots: RESERVED_ELITE,
    offered_per_s: OFFERED_PER_S,
    switchboard: sbOver,
    bullmq: bullOver,
    elite_p99_ratio: round(bullOver.elite.p99_ms / Math.max(sbOver.elite.p99_ms, 0.01), 1),
  };
}

try {
  const figures: Record<string, unknown> = { bench: 'scheduler', tasks: TASKS, in_flight: IN_FLIGHT, plan_limits: 'off' };
  if (PARTS.has('throughput')) Object.assign(figures, await throughput());
  if (PARTS.has('overload')) figures.overload = await overload();
  if (PARTS.has('crash')) {
    gc();
    progress(`crash: ${TASKS} tasks in a child, SIGKILL half-way, a second child restores`);
    const crashed = await crash(`${base}crash:`);
    progress(`crash: ${JSON.stringify(crashed)}`);
    if (crashed.lost !== 0) process.exitCode = 1;
    figures.crash = crashed;
  }
  console.log(JSON.stringify(figures));
} finally {
  const raw = new Redis(redisUrl);
  await deleteByPrefix(raw, base);
  raw.disconnect();
}
