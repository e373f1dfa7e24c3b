/**
 * The pure core of the forwarding scheduler: it decides which task runs next
 * and when, and the I/O layer (Redis, actors) carries the decisions out. No
 * timers, clock or I/O here: every call takes `now` (virtual ms), and `take`
 * answers either a task or the earliest time worth asking again.
 *
 * Data structures (all operations O(1) or O(log n), never a scan of the queue):
 * - per pair, a FIFO of its tasks in enqueue order (`seq`); only the head can
 *   run and only one task per pair is in flight, so edits and deletes follow
 *   the message they change, and a retrying head holds back its own pair only;
 * - the ready index (`ready-index.ts`): per tier a round-robin ring of users,
 *   per user a ring of sending accounts, per account a ring of ready pairs.
 *   Blocked work is parked out of the rings (user on its rate, lane on its
 *   account or worker) instead of being skipped on every take; a worker with
 *   thousands of parked lanes lets out one per freed slot, best tier first;
 * - a min-heap of wake-ups (pair `notBefore` or retry backoff, user rate
 *   refill, account flood wait or pacing) drives un-parking, and its top is
 *   the `wakeAt` that `take` reports when nothing is runnable;
 * - a second heap of aging deadlines moves a lower-tier pair that has waited
 *   past its tier's bound into its user's top-tier slot;
 * - per-user token buckets for plan rates, per-tier wait reservoirs for metrics;
 * - a set of pairs held for a handover: their source moved here from a
 *   supervisor whose shard still holds earlier tasks of theirs, so they wait
 *   out of the rings until those are done there or adopted here, in front.
 */
import type { Tier } from '../../domain/plans/plan-types.ts';
import { TIERS_BY_PRIORITY } from '../../domain/plans/plan-types.ts';
import { InvalidOptionError, SchedulerNotEmptyError } from '../../errors/registry.ts';
import { retryDelayMs } from './backoff.ts';
import { Fifo } from './fifo.ts';
import { LinkedRing } from './linked-ring.ts';
import { newRateBucket, rateConsume, rateIsFull, rateWaitMs } from './rate-bucket.ts';
import { newWorkerParking, ReadyIndex } from './ready-index.ts';
import type { AccountBlockReason, DelayReason } from './scheduler-events.ts';
import type { SchedulerMetrics } from './scheduler-metrics.ts';
import { MetricsRecorder } from './scheduler-metrics.ts';
import type { ResolvedSchedulerOptions, SchedulerOptions } from './scheduler-options.ts';
import { checkedBacklog, checkedRate, resolveSchedulerOptions } from './scheduler-options.ts';
import type { AccountState, AgeTimer, LaneState, PairState, SlotState, TaskEntry, UserState, WakeTimer, WorkerState } from './scheduler-state.ts';
import type {
  AckResult, AdoptReport, EnqueueResult, FailOptions, FailResult, NewForwardTask, RestoreReport, ScheduledTask, TakeResult,
} from './task.ts';
import { TimerHeap } from './timer-heap.ts';
import { validateNewTask, validatePersistedTask } from './validate-task.ts';

const TOP_TIER: Tier = TIERS_BY_PRIORITY[0]!;
const BLOCK_REASONS: readonly AccountBlockReason[] = ['flood_wait', 'rate_limited'];

const headOf = (lane: LaneState): ScheduledTask => lane.pairs.first!.tasks.peek()!.task;
const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class PriorityScheduler {
  readonly #o: ResolvedSchedulerOptions;
  readonly #m: MetricsRecorder;
  readonly #index: ReadyIndex;
  readonly #wake = new TimerHeap<WakeTimer>();
  readonly #age = new TimerHeap<AgeTimer>();
  readonly #tasks = new Map<string, TaskEntry>();
  readonly #byKey = new Map<string, TaskEntry>();
  readonly #pairs = new Map<string, PairState>();
  readonly #users = new Map<string, UserState>();
  readonly #accounts = new Map<string, AccountState>();
  readonly #workers = new Map<string, WorkerState>();
  readonly #heldPairs = new Set<string>();
  #nextSeq = 1;

  /** Throws `InvalidOptionError` on a bad option; see {@link SchedulerOptions} for defaults. */
  constructor(options: SchedulerOptions = {}) {
    this.#o = resolveSchedulerOptions(options);
    this.#m = new MetricsRecorder(this.#o.waitSampleSize);
    this.#index = new ReadyIndex(this.#o.maxInFlightPerWorker, this.#o.reservedWorkerSlots);
  }

  /** Tasks held: waiting, delayed or in flight. */
  get size(): number {
    return this.#tasks.size;
  }

  /**
   * Adds a task behind the earlier tasks of its pair, or rejects it with
   * `backlog_full` when its tier or its user is at the cap. A task whose id or
   * idempotency key is already held is accepted as a duplicate and not added.
   */
  enqueue(input: NewForwardTask, now: number): EnqueueResult {
    validateNewTask(input);
    const held = this.#tasks.get(input.id) ?? this.#byKey.get(input.idempotencyKey);
    if (held !== undefined) return { accepted: true, duplicate: true, task: { ...held.task } };

    const tierCap = this.#o.maxQueuedPerTier[input.tier];
    const tierHeld = this.#m.held[input.tier];
    if (tierCap !== undefined && tierHeld >= tierCap) return this.#reject(input, 'tier', tierCap, tierHeld, now);
    const userHeld = this.#users.get(input.userId)?.held ?? 0;
    const userCap = checkedBacklog(this.#o.backlogFor(input.userId, input.tier));
    if (userCap !== null && userHeld >= userCap) return this.#reject(input, 'user', userCap, userHeld, now);

    const task: ScheduledTask = { ...input, attempts: input.attempts ?? 0, seq: this.#nextSeq++ };
    this.#insert(task, now);
    return { accepted: true, duplicate: false, task: { ...task } };
  }

  /** The next runnable task, now in flight; or null and when to ask again. */
  take(now: number): TakeResult {
    this.#advance(now);
    const o = this.#o;
    for (const tier of TIERS_BY_PRIORITY) {
      const ring = this.#index.tierRings[tier];
      for (let slot = ring.first; slot !== null; slot = ring.first) {
        const user = slot.user;
        const rate = checkedRate(o.rateFor(user.id, user.tier));
        if (rate !== null) {
          const wait = rateWaitMs(user.bucket, now, rate, o.rateBurstMs);
          if (wait > 0) {
            this.#parkUser(user, slot, now + wait, now);
            continue;
          }
        }
        const lane = slot.lanes.first!;
        const account = lane.account;
        if (account.blockedUntil > now) this.#closeAccount(lane, 'time', account.blockedUntil, 'flood_wait', now);
        else if (account.nextSendAt > now) this.#closeAccount(lane, 'time', account.nextSendAt, 'account_pacing', now);
        else if (account.inFlight >= o.maxInFlightPerAccount) this.#closeAccount(lane, 'capacity', null, 'load', now);
        else if (account.worker.inFlight >= this.#index.capOf[slot.tier]) {
          this.#index.parkOnWorker(lane);
          this.#delay('load', headOf(lane), null, now);
        } else return this.#dispatch(lane, slot, rate, now);
      }
    }
    return { task: null, wakeAt: this.nextWakeAt() };
  }

  /** Completes an in-flight task; the next task of its pair becomes runnable. */
  ack(taskId: string, now: number): AckResult {
    const result = this.#letGo(taskId, now);
    if (result.ok) this.#m.acked++;
    return result;
  }

  /**
   * Lets an in-flight task go without completing it: another supervisor
   * runs its sending account and takes the task over (the durable layer
   * moves it to that shard). It leaves this scheduler as an ack would, its
   * pair moving on, but is not counted as done.
   */
  handOver(taskId: string, now: number): AckResult {
    return this.#letGo(taskId, now);
  }

  /** Removes an in-flight task (done, or handed over) and moves its pair on. */
  #letGo(taskId: string, now: number): AckResult {
    const entry = this.#tasks.get(taskId);
    if (entry === undefined) return { ok: false, reason: 'unknown_task' };
    if (entry.inFlightOn === null) return { ok: false, reason: 'not_in_flight' };
    this.#release(entry);
    this.#finish(entry, now);
    return { ok: true, task: { ...entry.task } };
  }

  /**
   * Records a failed attempt. A transient failure is retried after exponential
   * backoff with jitter (at least `retryAfterMs`), its pair waiting behind it,
   * until `maxAttempts`; then, or at once when `permanent`, it is dead-lettered
   * and leaves the scheduler. A `paced` one was never sent: it waits exactly
   * `retryAfterMs` and keeps its attempts. The result says which, for the
   * I/O layer to persist.
   */
  fail(taskId: string, error: unknown, now: number, options: FailOptions = {}): FailResult {
    const retryAfterMs = options.retryAfterMs ?? 0;
    if (!(Number.isFinite(retryAfterMs) && retryAfterMs >= 0)) {
      throw new InvalidOptionError({ option: 'retryAfterMs', message: 'retryAfterMs must be a non-negative finite number' });
    }
    const entry = this.#tasks.get(taskId);
    if (entry === undefined) return { outcome: 'ignored', reason: 'unknown_task' };
    if (entry.inFlightOn === null) return { outcome: 'ignored', reason: 'not_in_flight' };
    this.#release(entry);
    const task = entry.task;
    if (options.paced === true && options.permanent !== true) {
      // Handed back unsent: the dispatch that counted it was no attempt.
      task.attempts--;
      task.notBefore = now + retryAfterMs;
      this.#settle(entry.pair, now, 'account_pacing');
      return { outcome: 'retry', task: { ...task }, retryAt: task.notBefore, delayMs: retryAfterMs };
    }
    const message = errorMessage(error);
    task.lastError = message;
    if (options.permanent === true || task.attempts >= this.#o.maxAttempts) {
      this.#m.deadLettered[task.tier]++;
      this.#finish(entry, now);
      return { outcome: 'dead_letter', task: { ...task }, reason: options.permanent === true ? 'permanent' : 'max_attempts', error: message };
    }
    const o = this.#o;
    const backoff = retryDelayMs(task.attempts, { baseMs: o.backoffBaseMs, maxMs: o.backoffMaxMs, factor: o.backoffFactor, jitter: o.backoffJitter }, o.random);
    const delayMs = Math.max(backoff, retryAfterMs);
    task.notBefore = now + delayMs;
    this.#m.retried++;
    this.#settle(entry.pair, now, 'retry_backoff');
    return { outcome: 'retry', task: { ...task }, retryAt: task.notBefore, delayMs };
  }

  /**
   * A platform told `accountId` to wait until `untilMs` (Telegram FLOOD_WAIT_X,
   * Discord 429 retry_after): its tasks wait, every other account keeps flowing.
   * A block only ever extends.
   */
  blockAccount(accountId: string, untilMs: number, reason: AccountBlockReason): void {
    if (!Number.isFinite(untilMs)) throw new InvalidOptionError({ option: 'untilMs', message: 'untilMs must be a finite number' });
    if (!BLOCK_REASONS.includes(reason)) {
      throw new InvalidOptionError({ option: 'reason', message: `reason must be one of ${BLOCK_REASONS.join(', ')}` });
    }
    const account = this.#account(accountId);
    if (untilMs > account.blockedUntil) {
      account.blockedUntil = untilMs;
      account.blockReason = reason;
    }
  }

  /**
   * `accountId` now runs on `workerId` (after a rebalance). Tasks in flight stay
   * charged to the worker they were handed to. O(lanes parked on the old worker).
   */
  moveAccount(accountId: string, workerId: string): void {
    const account = this.#account(accountId);
    const old = account.worker;
    account.worker = this.#worker(workerId);
    if (old !== account.worker) this.#index.unparkAccountFrom(old, account);
  }

  /**
   * Rebuilds the state after a crash from the persisted tasks (any order; each
   * pair is replayed by `seq`). Backlog caps do not apply: these were accepted
   * once. Tasks in flight at the crash come back as queued. Only on a scheduler
   * holding no tasks; throws `SchedulerNotEmptyError` otherwise.
   */
  restore(tasks: readonly ScheduledTask[], now: number): RestoreReport {
    if (this.#tasks.size > 0) throw new SchedulerNotEmptyError({ held: this.#tasks.size });
    for (const task of tasks) validatePersistedTask(task);
    const sorted = [...tasks].sort((a, b) => a.seq - b.seq);
    const duplicates: string[] = [];
    for (const task of sorted) {
      if (this.#tasks.has(task.id) || this.#byKey.has(task.idempotencyKey)) {
        duplicates.push(task.id);
        continue;
      }
      this.#insert({ ...task }, now);
      if (task.seq >= this.#nextSeq) this.#nextSeq = task.seq + 1;
    }
    return { restored: sorted.length - duplicates.length, duplicates };
  }

  /**
   * Takes in tasks claimed from a dead supervisor's shard while this one runs:
   * each pair keeps their `seq` order (they get new seqs here), behind
   * everything held, except in a pair held for a handover (`holdPairs`):
   * there they are the earlier ones and go in front of its waiting tasks,
   * which are reported as `moved`, with new seqs. A task whose idempotency
   * key another held task has is skipped and reported (its record must go);
   * one whose id is held is the same task and only skipped.
   */
  adopt(tasks: readonly ScheduledTask[], now: number, options: { handedOver?: boolean } = {}): AdoptReport {
    for (const task of tasks) validatePersistedTask(task);
    const sorted = [...tasks].sort((a, b) => a.seq - b.seq);
    const duplicates: string[] = [];
    // Held pairs with tasks here before this call: only there do adopted tasks go in front.
    const ahead = new Map<PairState, TaskEntry[]>();
    for (const id of this.#heldPairs) {
      const pair = this.#pairs.get(id);
      if (pair !== undefined) ahead.set(pair, []);
    }
    let restored = 0;
    for (const task of sorted) {
      if (this.#tasks.has(task.id)) continue;
      if (this.#byKey.has(task.idempotencyKey)) {
        duplicates.push(task.id);
        continue;
      }
      restored += 1;
      const pair = this.#pairs.get(task.pairId);
      const front = pair === undefined ? undefined : ahead.get(pair);
      if (front === undefined) this.#insert({ ...task, seq: this.#nextSeq++ }, now, options.handedOver === true);
      else front.push(this.#track({ ...task, seq: this.#nextSeq++ }, pair!, options.handedOver === true));
    }
    const moved: ScheduledTask[] = [];
    for (const [pair, front] of ahead) {
      if (front.length === 0) continue;
      moved.push(...this.#putAhead(pair, front, options.handedOver === true));
      // Handed-over tasks at its head are the pair's oldest anywhere: they go though it is held.
      if (pair.status === 'held') this.#settle(pair, now, 'pair_delay');
    }
    return { restored, duplicates, moved };
  }

  /**
   * Holds exactly the pairs in `pairIds` from now on: their earlier tasks
   * are in another supervisor's shard, still to run there or to be adopted
   * here. A held pair's head is not handed out (one in flight finishes);
   * a pair no longer named goes back to work. Memory only.
   */
  holdPairs(pairIds: Iterable<string>, now: number): void {
    const next = new Set(pairIds);
    for (const id of this.#heldPairs) {
      if (next.has(id)) continue;
      this.#heldPairs.delete(id);
      const pair = this.#pairs.get(id);
      if (pair?.status === 'held') this.#settle(pair, now, 'pair_delay');
    }
    for (const id of next) {
      const pair = this.#pairs.get(id);
      if (this.#heldPairs.has(id)) {
        // Its sending account may have left this supervisor since: then its tasks go to where it runs.
        if (pair?.status === 'held' && !this.#o.sendsHere(pair.tasks.peek()!.task.sendingAccountId)) this.#settle(pair, now, 'pair_delay');
        continue;
      }
      this.#heldPairs.add(id);
      const head = pair?.tasks.peek();
      if (pair === undefined || pair.status === 'in_flight' || head!.handedOver === true || !this.#o.sendsHere(head!.task.sendingAccountId)) continue;
      // A waiting pair's wake timer finds it held and leaves it.
      if (pair.status === 'ready') this.#unready(pair);
      pair.status = 'held';
      this.#delay('handover', pair.tasks.peek()!.task, null, now);
    }
  }

  /** Pairs held for a handover now (see `holdPairs`). */
  get heldPairs(): ReadonlySet<string> {
    return this.#heldPairs;
  }

  /**
   * Makes every seq given out from now on greater than `seq`: the store's
   * high-water mark at restore (so no seq is given twice), and after a claim
   * (the claimed tasks took seqs there behind everything it held, and what
   * is enqueued after them must come back behind them too).
   */
  advanceSeq(seq: number): void {
    if (seq >= this.#nextSeq) this.#nextSeq = seq + 1;
  }

  /** Earliest pending wake-up (delay end, rate refill, block or pacing end), or null. */
  nextWakeAt(): number | null {
    return this.#wake.peek()?.at ?? null;
  }

  metrics(): SchedulerMetrics {
    return this.#m.snapshot(this.#workers.values());
  }

  #insert(task: ScheduledTask, now: number, handedOver = false): void {
    let pair = this.#pairs.get(task.pairId);
    if (pair === undefined) {
      pair = { id: task.pairId, tasks: new Fifo<TaskEntry>(), status: 'waiting', lane: null, aged: false, ageTimer: null, ring: null, ringPrev: null, ringNext: null };
      this.#pairs.set(pair.id, pair);
    }
    pair.tasks.push(this.#track(task, pair, handedOver));
    if (pair.tasks.size === 1) this.#settle(pair, now, 'pair_delay');
  }

  /** Counts `task` as held, in `pair`; the caller queues the entry. */
  #track(task: ScheduledTask, pair: PairState, handedOver = false): TaskEntry {
    const entry: TaskEntry = { task, pair, inFlightOn: null };
    if (handedOver) entry.handedOver = true;
    this.#tasks.set(task.id, entry);
    this.#byKey.set(task.idempotencyKey, entry);
    const user = this.#user(task.userId);
    user.tier = task.tier;
    user.held++;
    this.#m.held[task.tier]++;
    return entry;
  }

  /**
   * Puts `front` (tracked already, in order) before the held pair's waiting
   * tasks, behind its head if that is in flight, and when `front` was
   * handed over, behind the tasks handed over before it too (one sender
   * hands a pair's tasks over in order); returns the tasks it put behind
   * them, renumbered. The pair is held or in flight, so nothing re-settles
   * (the caller settles a held pair whose head was handed over).
   */
  #putAhead(pair: PairState, front: readonly TaskEntry[], handedOver: boolean): ScheduledTask[] {
    const old = pair.tasks;
    const tasks = new Fifo<TaskEntry>();
    if (pair.status === 'in_flight') tasks.push(old.shift()!);
    while (handedOver && old.peek()?.handedOver === true) tasks.push(old.shift()!);
    for (const entry of front) tasks.push(entry);
    const moved: ScheduledTask[] = [];
    for (let entry = old.shift(); entry !== undefined; entry = old.shift()) {
      entry.task.seq = this.#nextSeq++;
      moved.push({ ...entry.task });
      tasks.push(entry);
    }
    pair.tasks = tasks;
    return moved;
  }

  /** Places a pair whose head just changed (or whose delay ended): waiting, ready, or dropped if empty. */
  #settle(pair: PairState, now: number, reason: 'pair_delay' | 'retry_backoff' | 'account_pacing'): void {
    const head = pair.tasks.peek();
    if (head === undefined) {
      this.#pairs.delete(pair.id);
      return;
    }
    const t = head.task;
    if (this.#heldPairs.has(pair.id) && head.handedOver !== true && this.#o.sendsHere(t.sendingAccountId)) {
      pair.status = 'held';
      this.#delay('handover', t, null, now);
      return;
    }
    if (t.notBefore !== undefined && t.notBefore > now) {
      pair.status = 'waiting';
      this.#wake.push({ at: t.notBefore, cancelled: false, kind: 'pair', pair });
      this.#delay(reason, t, t.notBefore, now);
      return;
    }
    pair.status = 'ready';
    const agingMs = this.#o.agingMs[t.tier];
    pair.aged = agingMs !== undefined && t.enqueuedAt + agingMs <= now;
    if (agingMs !== undefined && !pair.aged) pair.ageTimer = this.#age.push({ at: t.enqueuedAt + agingMs, cancelled: false, pair });
    const lane = this.#index.laneFor(this.#users.get(t.userId)!, pair.aged ? TOP_TIER : t.tier, this.#account(t.sendingAccountId));
    this.#index.addPair(pair, lane);
  }

  #dispatch(lane: LaneState, slot: SlotState, rate: number | null, now: number): TakeResult {
    const pair = lane.pairs.first!;
    const entry = pair.tasks.peek()!;
    const task = entry.task;
    this.#unready(pair);
    this.#index.rotate(lane, slot);
    pair.status = 'in_flight';
    if (rate !== null) rateConsume(slot.user.bucket, now, rate, this.#o.rateBurstMs);
    const account = lane.account;
    const worker = account.worker;
    account.inFlight++;
    worker.inFlight++;
    if (account.minIntervalMs > 0) account.nextSendAt = now + account.minIntervalMs;
    entry.inFlightOn = { account, worker };
    task.attempts++;
    if (task.attempts === 1) this.#m.recordWait(task.tier, now - task.enqueuedAt);
    this.#m.dispatched[task.tier]++;
    this.#m.inFlight[task.tier]++;
    return { task: { ...task }, workerId: worker.id };
  }

  /** Takes a ready pair out of its lane, with its aging deadline. */
  #unready(pair: PairState): void {
    this.#index.removePair(pair);
    pair.aged = false;
    if (pair.ageTimer !== null) {
      this.#age.cancel(pair.ageTimer);
      pair.ageTimer = null;
    }
  }

  /** Frees the in-flight slots of `entry`, reopening an account or worker that was full. */
  #release(entry: TaskEntry): void {
    const { account, worker } = entry.inFlightOn!;
    entry.inFlightOn = null;
    account.inFlight--;
    worker.inFlight--;
    this.#m.inFlight[entry.task.tier]--;
    if (account.closed === 'capacity') this.#index.openAccount(account);
    this.#index.releaseFromWorker(worker);
  }

  /** Removes the head task `entry` for good (acked or dead-lettered) and moves its pair on. */
  #finish(entry: TaskEntry, now: number): void {
    const { task, pair } = entry;
    pair.tasks.shift();
    this.#tasks.delete(task.id);
    this.#byKey.delete(task.idempotencyKey);
    this.#m.held[task.tier]--;
    const user = this.#users.get(task.userId)!;
    user.held--;
    this.#forgetIfIdle(user, now);
    this.#settle(pair, now, 'pair_delay');
  }

  /** Processes due wake-ups and aging deadlines. */
  #advance(now: number): void {
    for (let t = this.#wake.popDue(now); t !== undefined; t = this.#wake.popDue(now)) {
      if (t.kind === 'pair') {
        if (t.pair.status === 'waiting') this.#settle(t.pair, now, 'pair_delay');
      } else if (t.kind === 'user') {
        this.#index.unparkUser(t.user);
        this.#forgetIfIdle(t.user, now);
      } else {
        t.account.timer = null;
        if (t.account.closed === 'time') this.#index.openAccount(t.account);
      }
    }
    for (let a = this.#age.popDue(now); a !== undefined; a = this.#age.popDue(now)) {
      const pair = a.pair;
      pair.ageTimer = null;
      if (pair.status !== 'ready' || pair.aged) continue;
      const lane = pair.lane!;
      this.#index.removePair(pair);
      pair.aged = true;
      this.#index.addPair(pair, this.#index.laneFor(lane.slot.user, TOP_TIER, lane.account));
    }
  }

  #parkUser(user: UserState, slot: SlotState, until: number, now: number): void {
    const head = headOf(slot.lanes.first!);
    this.#index.parkUser(user);
    this.#wake.push({ at: until, cancelled: false, kind: 'user', user });
    this.#delay('plan_rate', head, until, now);
  }

  #closeAccount(lane: LaneState, cause: 'time' | 'capacity', until: number | null, reason: DelayReason, now: number): void {
    const account = lane.account;
    account.closed = cause;
    if (until !== null) {
      if (account.timer !== null) this.#wake.cancel(account.timer);
      account.timer = this.#wake.push({ at: until, cancelled: false, kind: 'account', account });
    }
    const head = headOf(lane);
    this.#index.parkOnAccount(lane);
    this.#delay(reason, head, until, now, reason === 'flood_wait' ? account.blockReason ?? undefined : undefined);
  }

  #delay(reason: DelayReason, task: ScheduledTask, until: number | null, now: number, blockReason?: AccountBlockReason): void {
    this.#m.delayed[reason]++;
    const onEvent = this.#o.onEvent;
    if (onEvent === null) return;
    onEvent({
      type: 'delayed', reason, at: now, until, taskId: task.id, pairId: task.pairId, userId: task.userId,
      accountId: task.sendingAccountId, tier: task.tier, ...(blockReason === undefined ? {} : { blockReason }),
    });
  }

  #reject(task: NewForwardTask, scope: 'user' | 'tier', limit: number, queued: number, now: number): EnqueueResult {
    this.#m.rejected.backlog_full++;
    this.#o.onEvent?.({
      type: 'rejected', reason: 'backlog_full', at: now, taskId: task.id, pairId: task.pairId, userId: task.userId,
      tier: task.tier, scope, limit, queued,
    });
    return { accepted: false, reason: 'backlog_full', scope, limit, queued };
  }

  #user(id: string): UserState {
    let user = this.#users.get(id);
    if (user === undefined) {
      user = { id, tier: TOP_TIER, slots: new Map(), parked: false, bucket: newRateBucket(), held: 0 };
      this.#users.set(id, user);
    }
    return user;
  }

  /** Drops an idle user once its bucket is full again, so forgetting it cannot grant extra rate. */
  #forgetIfIdle(user: UserState, now: number): void {
    if (user.held > 0 || user.parked) return;
    const rate = checkedRate(this.#o.rateFor(user.id, user.tier));
    if (rate === null || rateIsFull(user.bucket, now, rate, this.#o.rateBurstMs)) this.#users.delete(user.id);
  }

  #account(id: string): AccountState {
    let account = this.#accounts.get(id);
    if (account === undefined) {
      const o = this.#o;
      const minIntervalMs = o.accountMinIntervalByKind[o.accountKindOf(id)] ?? o.accountMinIntervalMs;
      account = {
        id, worker: this.#worker(o.workerOf(id)), minIntervalMs, nextSendAt: -Infinity, blockedUntil: -Infinity,
        blockReason: null, inFlight: 0, closed: null, parked: new LinkedRing<LaneState>(), timer: null,
      };
      this.#accounts.set(id, account);
    }
    return account;
  }

  #worker(id: string): WorkerState {
    let worker = this.#workers.get(id);
    if (worker === undefined) {
      worker = { id, inFlight: 0, parked: newWorkerParking() };
      this.#workers.set(id, worker);
    }
    return worker;
  }
}
