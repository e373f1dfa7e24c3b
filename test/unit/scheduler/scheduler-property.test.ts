import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Tier } from '../../../src/domain/plans/plan-types.ts';
import { PriorityScheduler } from '../../../src/scheduler/core/priority-scheduler.ts';
import type { ScheduledTask } from '../../../src/scheduler/core/task.ts';
import { task } from './scheduler-fixtures.ts';

const TIERS: Tier[] = ['elite', 'pro', 'free'];
const ACCOUNTS = ['a0', 'a1', 'a2'];

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

/** Pair i belongs to user i % 3 (tier by user) and sends from account i % 3 or (i + 1) % 3. */
function pairTask(pair: number, id: string, now: number, delay: number) {
  const user = pair % 3;
  return task({
    id, pairId: `p${pair}`, userId: `u${user}`, tier: TIERS[user]!, sendingAccountId: ACCOUNTS[(pair + (pair >> 2)) % 3]!,
    enqueuedAt: now, ...(delay > 0 ? { notBefore: now + delay } : {}),
  });
}

describe('scheduler core: properties', () => {
  it('hands out each pair in enqueue order, never a task twice at once, within every cap', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 30, maxLength: 300, size: 'max' }), fc.integer(), (ops, seed) => {
        let rnd = seed >>> 0;
        const s = new PriorityScheduler({
          maxAttempts: 3, backoffBaseMs: 100, backoffMaxMs: 1_000,
          random: () => ((rnd = (rnd * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32),
          agingMs: { free: 1_500, pro: 3_000 },
          rateFor: (userId) => (userId === 'u2' ? 120 : null), rateBurstMs: 1_000,
          backlogFor: () => 12, maxQueuedPerTier: { pro: 10 },
          accountMinIntervalMs: 50, maxInFlightPerAccount: 2, maxInFlightPerWorker: 3,
          workerOf: (acc) => (acc === 'a2' ? 'w2' : 'w1'),
        });
        let now = 0;
        let n = 0;
        const outstanding = new Map<string, number[]>(); // pair -> seqs not yet finished, in order
        const inFlight = new Map<string, ScheduledTask>();
        const finish = (t: ScheduledTask): void => {
          const seqs = outstanding.get(t.pairId)!;
          assert.equal(seqs[0], t.seq, 'a finished task is its pair\'s oldest');
          seqs.shift();
        };
        const checkCaps = (): void => {
          const m = s.metrics();
          for (const w of Object.values(m.inFlightByWorker)) assert.ok(w <= 3);
          const perAccount = new Map<string, number>();
          for (const t of inFlight.values()) perAccount.set(t.sendingAccountId, (perAccount.get(t.sendingAccountId) ?? 0) + 1);
          for (const c of perAccount.values()) assert.ok(c <= 2);
        };
        const take = (): boolean => {
          const r = s.take(now);
          if (r.task === null) {
            assert.ok(r.wakeAt === null || r.wakeAt > now);
            return false;
          }
          const t = r.task;
          assert.ok(!inFlight.has(t.id), 'not handed out twice concurrently');
          for (const other of inFlight.values()) assert.notEqual(other.pairId, t.pairId, 'one task per pair in flight');
          assert.equal(outstanding.get(t.pairId)![0], t.seq, 'handed out in pair order');
          assert.ok(t.notBefore === undefined || t.notBefore <= now);
          inFlight.set(t.id, t);
          checkCaps();
          return true;
        };
        const pick = (i: number): ScheduledTask | undefined => [...inFlight.values()][i % Math.max(1, inFlight.size)];

        for (const op of ops) {
          if (op.kind === 'enqueue') {
            const r = s.enqueue(pairTask(op.pair, `t${n++}`, now, op.delay), now);
            if (r.accepted) {
              const seqs = outstanding.get(r.task.pairId) ?? [];
              seqs.push(r.task.seq);
              outstanding.set(r.task.pairId, seqs);
            }
          } else if (op.kind === 'take') take();
          else if (op.kind === 'ack') {
            const t = pick(op.pick);
            if (t === undefined) continue;
            assert.equal(s.ack(t.id, now).ok, true);
            inFlight.delete(t.id);
            finish(t);
          } else if (op.kind === 'fail') {
            const t = pick(op.pick);
            if (t === undefined) continue;
            const r = s.fail(t.id, 'err', now, { permanent: op.permanent });
            inFlight.delete(t.id);
            if (r.outcome === 'dead_letter') finish(t);
            else assert.equal(r.outcome, 'retry');
          } else if (op.kind === 'tick') now += op.ms;
          else s.blockAccount(ACCOUNTS[op.account]!, now + op.ms, 'flood_wait');
        }

        // Liveness: with acks and time, everything held drains.
        for (const t of inFlight.values()) {
          s.ack(t.id, now);
          finish(t);
        }
        inFlight.clear();
        for (let guard = 0; s.size > 0; guard++) {
          assert.ok(guard < 10_000, 'drains');
          if (take()) {
            const t = [...inFlight.values()][0]!;
            s.ack(t.id, now);
            inFlight.delete(t.id);
            finish(t);
          } else {
            const wake = s.nextWakeAt();
            assert.notEqual(wake, null, 'something held must have a wake-up when nothing is in flight');
            now = wake!;
          }
        }
        for (const seqs of outstanding.values()) assert.equal(seqs.length, 0);
        const m = s.metrics();
        assert.deepEqual(m.queued, { elite: 0, pro: 0, free: 0 });
        assert.deepEqual(m.inFlight, { elite: 0, pro: 0, free: 0 });
      }),
      { numRuns: 300 },
    );
  });
});
