import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Tier } from '../../../src/domain/plans/plan-types.ts';
import { TIER_PRIORITY } from '../../../src/domain/plans/plan-types.ts';
import { PriorityScheduler } from '../../../src/scheduler/core/priority-scheduler.ts';
import type { RateBucket } from '../../../src/scheduler/core/rate-bucket.ts';
import { newRateBucket, rateConsume, rateWaitMs } from '../../../src/scheduler/core/rate-bucket.ts';
import type { ScheduledTask } from '../../../src/scheduler/core/task.ts';
import { task } from './scheduler-fixtures.ts';

const TIERS: Tier[] = ['elite', 'pro', 'free'];
const ACCOUNTS = ['a0', 'a1', 'a2'];
const AGING: Partial<Record<Tier, number>> = { free: 1_500, pro: 3_000 };
const BURST_MS = 1_000;
const PACING_MS = 50;
const ACCOUNT_CAP = 2;
const WORKER_CAP = 2;
/** Worker slots kept for the tiers above; each property runs without and with a reservation. */
let RESERVED: { elite?: number; pro?: number } = {};

function workerCapFor(priority: number): number {
  if (priority === TIER_PRIORITY.elite) return WORKER_CAP;
  if (priority === TIER_PRIORITY.pro) return WORKER_CAP - (RESERVED.elite ?? 0);
  return WORKER_CAP - (RESERVED.elite ?? 0) - (RESERVED.pro ?? 0);
}
const workerOf = (acc: string): string => (acc === 'a2' ? 'w2' : 'w1');
const RATES: Record<string, number> = { u1: 240, u2: 120 };
const rateOf = (userId: string): number | null => RATES[userId] ?? null;

type Op =
  | { kind: 'enqueue'; pair: number; delay: number }
  | { kind: 'take' }
  | { kind: 'ack'; pick: number }
  | { kind: 'fail'; pick: number; permanent: boolean }
  | { kind: 'tick'; ms: number }
  | { kind: 'block'; account: number; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('enqueue' as const), pair: fc.nat(7), delay: fc.oneof(fc.constant(0), fc.nat(3_000)) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('take' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('ack' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fail' as const), pick: fc.nat(), permanent: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.nat(2_000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('block' as const), account: fc.nat(2), ms: fc.nat(5_000) }) },
);

/** Pair i belongs to user i % 3 (tier by user) and sends from one of the accounts, two workers in all. */
function pairTask(pair: number, id: string, now: number, delay: number) {
  const user = pair % 3;
  return task({
    id, pairId: `p${pair}`, userId: `u${user}`, tier: TIERS[user]!, sendingAccountId: ACCOUNTS[(pair + (pair >> 2)) % 3]!,
    enqueuedAt: now, ...(delay > 0 ? { notBefore: now + delay } : {}),
  });
}

/**
 * A brute-force model of the rules: which pair heads could run at `now`, and at
 * what effective tier. The scheduler must hand out one of the best of them, and
 * answer null only when there is none.
 */
class Oracle {
  readonly pairs = new Map<string, ScheduledTask[]>(); // outstanding tasks, enqueue order
  readonly inFlight = new Map<string, ScheduledTask>();
  readonly blockedUntil = new Map<string, number>();
  readonly nextSendAt = new Map<string, number>();
  readonly buckets = new Map<string, RateBucket>();

  effectiveTier(t: ScheduledTask, now: number): number {
    const aging = AGING[t.tier];
    return aging !== undefined && t.enqueuedAt + aging <= now ? TIER_PRIORITY.elite : TIER_PRIORITY[t.tier];
  }

  runnable(now: number): ScheduledTask[] {
    const perAccount = new Map<string, number>();
    const perWorker = new Map<string, number>();
    for (const t of this.inFlight.values()) {
      perAccount.set(t.sendingAccountId, (perAccount.get(t.sendingAccountId) ?? 0) + 1);
      perWorker.set(workerOf(t.sendingAccountId), (perWorker.get(workerOf(t.sendingAccountId)) ?? 0) + 1);
    }
    const out: ScheduledTask[] = [];
    for (const tasks of this.pairs.values()) {
      const head = tasks[0];
      if (head === undefined || this.inFlight.has(head.id)) continue;
      const acc = head.sendingAccountId;
      if ((head.notBefore ?? -Infinity) > now) continue;
      if ((this.blockedUntil.get(acc) ?? -Infinity) > now || (this.nextSendAt.get(acc) ?? -Infinity) > now) continue;
      if ((perAccount.get(acc) ?? 0) >= ACCOUNT_CAP || (perWorker.get(workerOf(acc)) ?? 0) >= workerCapFor(this.effectiveTier(head, now))) continue;
      const rate = rateOf(head.userId);
      if (rate !== null && rateWaitMs(this.#bucket(head.userId), now, rate, BURST_MS) > 0) continue;
      out.push(head);
    }
    return out;
  }

  dispatched(t: ScheduledTask, now: number): void {
    this.inFlight.set(t.id, t);
    this.nextSendAt.set(t.sendingAccountId, now + PACING_MS);
    const rate = rateOf(t.userId);
    if (rate !== null) rateConsume(this.#bucket(t.userId), now, rate, BURST_MS);
  }

  finished(t: ScheduledTask): void {
    this.inFlight.delete(t.id);
    const tasks = this.pairs.get(t.pairId)!;
    assert.equal(tasks[0]!.seq, t.seq, 'a finished task is its pair\'s oldest');
    tasks.shift();
  }

  #bucket(userId: string): RateBucket {
    let b = this.buckets.get(userId);
    if (b === undefined) this.buckets.set(userId, (b = newRateBucket()));
    return b;
  }
}

describe('scheduler core: properties', () => {
  afterEach(() => {
    RESERVED = {};
  });

  for (const reserved of [{}, { elite: 1 }]) it(`hands out the best runnable task, each pair in enqueue order, never a task twice at once (worker slots kept: ${JSON.stringify(reserved)})`, () => {
    RESERVED = reserved;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 30, maxLength: 300, size: 'max' }), fc.integer(), (ops, seed) => {
        let rnd = seed >>> 0;
        const s = new PriorityScheduler({
          maxAttempts: 3, backoffBaseMs: 100, backoffMaxMs: 1_000,
          random: () => ((rnd = (rnd * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32),
          agingMs: AGING, rateFor: rateOf, rateBurstMs: BURST_MS,
          backlogFor: () => 12, maxQueuedPerTier: { pro: 10 },
          accountMinIntervalMs: PACING_MS, maxInFlightPerAccount: ACCOUNT_CAP, maxInFlightPerWorker: WORKER_CAP, workerOf,
          reservedWorkerSlots: RESERVED,
        });
        const model = new Oracle();
        let now = 0;
        let n = 0;

        const take = (): ScheduledTask | null => {
          const runnable = model.runnable(now);
          const r = s.take(now);
          if (r.task === null) {
            assert.deepEqual(runnable.map((t) => t.id), [], 'null only when nothing is runnable');
            assert.ok(r.wakeAt === null || r.wakeAt > now);
            return null;
          }
          const t = r.task;
          assert.ok(!model.inFlight.has(t.id), 'not handed out twice concurrently');
          const pick = runnable.find((x) => x.id === t.id);
          assert.ok(pick !== undefined, `handed out ${t.id}, which is not runnable (pair order, delay, block, pacing, caps, rate)`);
          const best = Math.max(...runnable.map((x) => model.effectiveTier(x, now)));
          assert.equal(model.effectiveTier(pick, now), best, 'a lower effective tier went first');
          assert.equal(r.workerId, workerOf(t.sendingAccountId));
          model.dispatched(t, now);
          return t;
        };
        const pickInFlight = (i: number): ScheduledTask | undefined => [...model.inFlight.values()][i % Math.max(1, model.inFlight.size)];

        for (const op of ops) {
          if (op.kind === 'enqueue') {
            const r = s.enqueue(pairTask(op.pair, `t${n++}`, now, op.delay), now);
            if (r.accepted) {
              const tasks = model.pairs.get(r.task.pairId) ?? [];
              tasks.push(r.task);
              model.pairs.set(r.task.pairId, tasks);
            }
          } else if (op.kind === 'take') take();
          else if (op.kind === 'ack') {
            const t = pickInFlight(op.pick);
            if (t === undefined) continue;
            assert.equal(s.ack(t.id, now).ok, true);
            model.finished(t);
          } else if (op.kind === 'fail') {
            const t = pickInFlight(op.pick);
            if (t === undefined) continue;
            const r = s.fail(t.id, 'err', now, { permanent: op.permanent });
            if (r.outcome === 'dead_letter') model.finished(t);
            else {
              assert.equal(r.outcome, 'retry');
              model.inFlight.delete(t.id);
              model.pairs.get(t.pairId)![0] = r.outcome === 'retry' ? r.task : t;
            }
          } else if (op.kind === 'tick') now += op.ms;
          else {
            const acc = ACCOUNTS[op.account]!;
            s.blockAccount(acc, now + op.ms, 'flood_wait');
            model.blockedUntil.set(acc, Math.max(model.blockedUntil.get(acc) ?? -Infinity, now + op.ms));
          }
        }

        // Liveness: with completions and time, everything held drains.
        for (const t of [...model.inFlight.values()]) {
          s.ack(t.id, now);
          model.finished(t);
        }
        for (let guard = 0; s.size > 0; guard++) {
          assert.ok(guard < 10_000, 'drains');
          const t = take();
          if (t !== null) {
            s.ack(t.id, now);
            model.finished(t);
          } else {
            const wake = s.nextWakeAt();
            assert.notEqual(wake, null, 'with nothing in flight, held work must have a wake-up');
            now = wake!;
          }
        }
        for (const tasks of model.pairs.values()) assert.equal(tasks.length, 0);
        const m = s.metrics();
        assert.deepEqual(m.queued, { elite: 0, pro: 0, free: 0 });
        assert.deepEqual(m.inFlight, { elite: 0, pro: 0, free: 0 });
      }),
      { numRuns: 1000 },
    );
  });
});
