/**
 * The forwarding scheduler with a memory: a `PriorityScheduler` decides what
 * runs when, a `TaskStore` keeps every task it holds in Redis, and a
 * `WriteBatcher` turns the stream of enqueues, acks, retries and dead letters
 * into a few pipelined writes. A task is accepted only once Redis has it; a
 * supervisor that starts on the same shard after a crash (or SIGKILL) gets
 * every task back with `restore()`.
 *
 * Delivery is at least once: a task handed out before the crash, whose ack
 * had not reached Redis, runs again after restore. Exactly-once effects come
 * from the destination, which checks the task's idempotency key against its
 * message links and sends nothing the second time.
 *
 * Writes go through one ordered queue in the order the core saw the calls, so
 * Redis always ends in the state the core is in (the ack of a task can never
 * land before its put). A task can be handed out before its put is durable;
 * the source has not been told "accepted" yet, so losing it then is allowed.
 *
 * No timers and no dispatch loop here: the caller drives `take` and reports
 * with `ack` and `fail`.
 */
import { DurableSchedulerStateError } from '../errors/registry.ts';
import type { PriorityScheduler } from './core/priority-scheduler.ts';
import type { SchedulerMetrics } from './core/scheduler-metrics.ts';
import type { AccountBlockReason } from './core/scheduler-events.ts';
import type {
  AckResult, EnqueueResult, FailOptions, FailResult, NewForwardTask, RestoreReport, ScheduledTask, TakeResult,
} from './core/task.ts';
import type { DeadLetterReplay, DeadLetterSelection } from './store/dead-letters.ts';
import type { StoreOp, TaskStore } from './store/task-store.ts';
import type { WriteBatcherOptions, WriteBatcherStats } from './store/write-batcher.ts';
import { WriteBatcher } from './store/write-batcher.ts';

export interface DurableSchedulerOptions {
  /** Batching of the store writes (`write` is the store's). Default: the `WriteBatcher` defaults. */
  batching?: Omit<WriteBatcherOptions<StoreOp>, 'write'>;
}

export interface DurableRestoreReport extends RestoreReport {
  /** Time spent reading the pending tasks from Redis, ms. */
  loadMs: number;
}

export interface DurableReplayReport extends DeadLetterReplay {
  /** Replayed but refused by a backlog cap: back among the dead letters, as they were. */
  rejected: string[];
  /** Replayed but another task with the same idempotency key is held: that one runs, this one is dropped. */
  duplicates: string[];
}

export interface OrphanClaimReport {
  /** Tasks of the dead shard now scheduled here. */
  claimed: number;
  /** Its dead letters moved here. */
  deadLetters: number;
  /** Its tasks dropped because one with the same id or idempotency key was here already. */
  duplicates: number;
}

export interface DurableSchedulerMetrics extends SchedulerMetrics {
  /** Dead letters in this shard (read from Redis). */
  deadLetters: number;
  /** The write batcher: queued writes, batches sent. */
  writes: WriteBatcherStats;
}

export class DurableScheduler {
  readonly #core: PriorityScheduler;
  readonly #store: TaskStore;
  readonly #writes: WriteBatcher<StoreOp>;
  #restored = false;

  /** `scheduler` must be new (empty); call `restore()` before anything else. */
  constructor(scheduler: PriorityScheduler, store: TaskStore, options: DurableSchedulerOptions = {}) {
    this.#core = scheduler;
    this.#store = store;
    this.#writes = new WriteBatcher<StoreOp>({ ...options.batching, write: (ops) => store.write(ops) });
  }

  /** The shard's store (dead letters, counts). Writing to it directly bypasses the ordering described above. */
  get store(): TaskStore {
    return this.#store;
  }

  /** Tasks held in memory: waiting, delayed or in flight. */
  get size(): number {
    return this.#core.size;
  }

  /**
   * Loads every pending task of the shard into the scheduler, each pair in
   * `seq` order; tasks in flight at a crash come back as queued, with the
   * attempts and backoff their last recorded retry left. A stored task whose
   * idempotency key an earlier one holds is dropped from Redis too.
   */
  async restore(now: number): Promise<DurableRestoreReport> {
    if (this.#restored) throw new DurableSchedulerStateError({ action: 'restore', state: 'restored' });
    await this.#store.register();
    const started = performance.now();
    const tasks = await this.#store.loadPending();
    const loadMs = performance.now() - started;
    const report = this.#core.restore(tasks, now);
    // New tasks take seqs past every one this shard gave out, acked ones included, never one again.
    this.#core.advanceSeq(await this.#store.seqHighWater());
    await this.#store.recountPairs(tasks);
    this.#restored = true;
    if (report.duplicates.length > 0) {
      // Ids the core skipped are duplicates by idempotency key (ids are unique per shard): the kept one does the work.
      await this.#writes.pushMany(acksOf(report.duplicates, tasks));
    }
    return { ...report, loadMs };
  }

  /**
   * Enqueues `task` and resolves once it is durable. Invalid tasks throw
   * `ForwardTaskInvalidError`; a task over a backlog cap is rejected by the
   * core and never written. A duplicate (id or idempotency key held) is
   * written again as it is held, so a source re-sending after a failed write
   * gets it stored this time. If the write fails the promise rejects: the
   * source must count the task as not accepted and re-send it; meanwhile the
   * copy in memory may still run (at least once allows that).
   */
  enqueue(task: NewForwardTask, now: number): Promise<EnqueueResult> {
    // Not `async`: one promise per task instead of three, on the hottest path; errors still reject.
    let result: EnqueueResult;
    try {
      this.#assertRestored('enqueue');
      result = this.#core.enqueue(task, now);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return result.accepted ? this.#writes.push({ op: 'put', task: result.task }).then(() => result) : Promise.resolve(result);
  }

  /**
   * Moves a dead supervisor's pending tasks and dead letters into this shard
   * (see `TaskStore.claimOrphans`; the caller makes sure it is dead) and
   * schedules the tasks behind everything held, except in pairs held for a
   * handover (`holdPairs`), where they go first, in memory and in Redis. One
   * whose idempotency key is held already is dropped from Redis: the held
   * one does the work.
   */
  async claimOrphans(deadOwnerId: string, now: number): Promise<OrphanClaimReport> {
    this.#assertRestored('claim orphans');
    const claim = await this.#store.claimOrphans(deadOwnerId);
    const restored = await this.#adopt(claim.tasks, now, false);
    return { claimed: restored, deadLetters: claim.deadLetters, duplicates: claim.duplicates + claim.tasks.length - restored };
  }

  /**
   * Hands an in-flight task to `toOwner`, the live supervisor running its
   * sending account: it leaves memory here and, in the order of this shard's
   * writes (so after its own put), moves to that shard and its inbox in one
   * atomic step. Resolves once Redis has it; the caller then wakes the
   * receiver (`inboxChannel`).
   */
  handOver(taskId: string, toOwner: string, now: number): Promise<AckResult> {
    let result: AckResult;
    try {
      this.#assertRestored('hand over');
      result = this.#core.handOver(taskId, now);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (!result.ok) return Promise.resolve(result);
    const task = result.task;
    return this.#writes.push({ op: 'handover', id: taskId, pairId: task.pairId, to: toOwner }).then(() => result, (err: unknown) => {
      // Redis may still hold it here: back into memory, or it would wait for the next restart of this supervisor.
      // (Had the move landed with only its answer lost, the receiver runs it too; the send's nonce absorbs that.)
      this.#core.adopt([task], Date.now());
      throw err;
    });
  }

  /**
   * Loads the tasks other supervisors handed to this one (`handOver`) into
   * memory, behind what is held, or in front in a pair held for a handover,
   * as claimed tasks go. One already in memory (a restore loaded it) is
   * skipped.
   */
  async adoptInbox(now: number): Promise<number> {
    this.#assertRestored('adopt handed-over tasks');
    const tasks = await this.#store.takeInbox();
    return tasks.length === 0 ? 0 : this.#adopt(tasks, now, true);
  }

  /**
   * Takes tasks another shard's step put into this one (a claim, a
   * hand-over) into memory; returns how many were new here. The store put
   * them behind everything it held, so what is enqueued next goes behind
   * them there too; a duplicate's record goes, and tasks moved behind
   * adopted ones in a held pair get their new seqs (a crash before those
   * moves land leaves the pair in the store's order: later ones first).
   */
  async #adopt(tasks: readonly ScheduledTask[], now: number, handedOver: boolean): Promise<number> {
    this.#core.advanceSeq(tasks.reduce((max, t) => Math.max(max, t.seq), 0));
    const adopted = this.#core.adopt(tasks, now, { handedOver });
    const writes: StoreOp[] = [...acksOf(adopted.duplicates, tasks), ...adopted.moved.map((t): StoreOp => ({ op: 'move', id: t.id, seq: t.seq }))];
    if (writes.length > 0) await this.#writes.pushMany(writes);
    return adopted.restored;
  }

  /** Memory only: see `PriorityScheduler.holdPairs`. */
  holdPairs(pairIds: Iterable<string>, now: number): void {
    this.#assertRestored('hold pairs');
    this.#core.holdPairs(pairIds, now);
  }

  /** The next runnable task, now in flight; or null and when to ask again (memory only). */
  take(now: number): TakeResult {
    this.#assertRestored('take');
    return this.#core.take(now);
  }

  /** Completes an in-flight task; resolves once Redis has forgotten it. */
  ack(taskId: string, now: number): Promise<AckResult> {
    let result: AckResult;
    try {
      this.#assertRestored('ack');
      result = this.#core.ack(taskId, now);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    return result.ok ? this.#writes.push({ op: 'ack', id: taskId, pairId: result.task.pairId }).then(() => result) : Promise.resolve(result);
  }

  /**
   * Records a failed attempt; the core decides retry or dead letter, and this
   * resolves once Redis agrees: a retry rewrites the task (attempts,
   * notBefore, lastError), a dead letter moves it with its error and time.
   */
  async fail(taskId: string, error: unknown, now: number, options: FailOptions = {}): Promise<FailResult> {
    this.#assertRestored('fail');
    const result = this.#core.fail(taskId, error, now, options);
    if (result.outcome === 'retry') await this.#writes.push({ op: 'put', task: result.task });
    else if (result.outcome === 'dead_letter') {
      await this.#writes.push(this.#store.deadLetterOp(result.task, result.error, result.reason));
    }
    return result;
  }

  /** Memory only: see `PriorityScheduler.blockAccount`. */
  blockAccount(accountId: string, untilMs: number, reason: AccountBlockReason): void {
    this.#core.blockAccount(accountId, untilMs, reason);
  }

  /** Memory only: see `PriorityScheduler.moveAccount`. */
  moveAccount(accountId: string, workerId: string): void {
    this.#core.moveAccount(accountId, workerId);
  }

  nextWakeAt(): number | null {
    return this.#core.nextWakeAt();
  }

  /**
   * Puts dead letters back to work with attempts reset, enqueued at `now`
   * behind everything pending. Backlog caps apply: one refused goes back to
   * the dead letters unchanged.
   */
  async replayDeadLetters(selection: DeadLetterSelection, now: number): Promise<DurableReplayReport> {
    this.#assertRestored('replay dead letters');
    // A dead letter still in the batcher is not in Redis yet, so replay would miss it.
    await this.#writes.flush();
    const replay = await this.#store.deadLetters.replay(selection, { enqueuedAt: now });
    const report: DurableReplayReport = { ...replay, replayed: [], letters: [], rejected: [], duplicates: [] };
    const undo: StoreOp[] = [];
    replay.replayed.forEach((task, i) => {
      const { seq: _seq, ...fresh } = task;
      const result = this.#core.enqueue(fresh, now);
      if (!result.accepted) {
        report.rejected.push(task.id);
        undo.push({ op: 'dead', letter: replay.letters[i]! });
      } else if (result.duplicate) {
        report.duplicates.push(task.id);
        // Held under another id: only that one will ever be acked, so this copy must go.
        if (result.task.id !== task.id) undo.push({ op: 'ack', id: task.id, pairId: task.pairId });
      } else {
        report.replayed.push(result.task);
        report.letters.push(replay.letters[i]!);
      }
    });
    if (undo.length > 0) await this.#writes.pushMany(undo);
    return report;
  }

  /** Core metrics, plus the dead letters in Redis and the write batcher's figures. */
  async metrics(): Promise<DurableSchedulerMetrics> {
    return { ...this.#core.metrics(), deadLetters: await this.#store.deadLetters.count(), writes: this.#writes.stats() };
  }

  /** Waits until every write handed over so far has settled. */
  flush(): Promise<void> {
    return this.#writes.flush();
  }

  /** Flushes and refuses further writes (`WriteBatcherClosedError`); the Redis client stays the caller's. */
  close(): Promise<void> {
    return this.#writes.close();
  }

  #assertRestored(action: string): void {
    if (!this.#restored) throw new DurableSchedulerStateError({ action, state: 'not_restored' });
  }
}

/** The acks that drop `ids`, each with its pair as `tasks` has it. */
function acksOf(ids: readonly string[], tasks: readonly ScheduledTask[]): StoreOp[] {
  if (ids.length === 0) return [];
  const pairOf = new Map(tasks.map((t) => [t.id, t.pairId]));
  return ids.map((id) => ({ op: 'ack', id, pairId: pairOf.get(id)! }));
}
