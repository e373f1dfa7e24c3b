/**
 * Durable copy of one supervisor's forwarding tasks in Redis. The in-memory
 * scheduler orders the work; this only makes it survive a crash: a task is
 * written before its source is told it was accepted, deleted once done, and
 * the next supervisor on this shard loads whatever is left.
 *
 * Storage, per owner (see `scheduler-keys.ts`):
 * - a hash `tasks` id -> JSON, so an ack, a retry's rewrite or a dead-lettering
 *   touches one field by id, in O(1);
 * - a sorted set `order` id -> seq beside it. Restore must replay each pair in
 *   enqueue order, and pages of ZRANGE BYSCORE give the tasks in that order in
 *   chunks of any size with a stable cursor (the last seq), where HSCAN would
 *   give them unordered and possibly twice;
 * - a counter `seq`, the high-water mark. A task is placed at the seq the
 *   scheduler gave it when it was enqueued, not where its write happens to
 *   land: a write that failed and is made again later, after later tasks of
 *   its pair were written, must still come back before them. A task without
 *   one (seq 0) takes the next seq from the counter, as claims do; the
 *   counter never falls behind a seq written, and is never reused after acks
 *   or restarts.
 * A stream was the other candidate: it orders by itself, but its entries
 * cannot be rewritten, so recording a retry would mean append-and-delete,
 * moving the task behind later tasks of its pair.
 *
 * Every multi-key change is one Lua script call (`lua/`), so a kill at any
 * instant leaves each task either fully pending, fully gone, or fully dead.
 * Writes are applied in the order they were handed over (an ack never
 * overtakes its put), and the seqs keep the store's pair order equal to the
 * scheduler's even when a write had to be made again.
 */
import type { Redis } from 'ioredis';
import { InvalidOptionError, OrphanClaimConflictError } from '../../errors/registry.ts';
import type { ScheduledTask } from '../core/task.ts';
import { DeadLetters } from './dead-letters.ts';
import type { OwnerKeys } from './scheduler-keys.ts';
import { ownerKeys, schedulerKeys } from './scheduler-keys.ts';
import type { StoreScriptsPipeline } from './store-scripts.ts';
import { storeScripts } from './store-scripts.ts';
import type { DeadLetter, DeadLetterReason } from './task-codec.ts';
import { decodeTask, encodeDeadLetter, encodeTask } from './task-codec.ts';
import type { ResolvedTaskStoreOptions, TaskStoreOptions } from './task-store-options.ts';
import { checkOwnerId, resolveTaskStoreOptions } from './task-store-options.ts';

/** One write, as the write batcher queues them. `pairId` keeps the shard's per-pair counts (see scheduler-keys.ts). */
export type StoreOp =
  | { op: 'put'; task: ScheduledTask }
  | { op: 'ack'; id: string; pairId: string }
  | { op: 'dead'; letter: DeadLetter }
  /** A pending task to `seq`: behind the tasks of its pair claimed from a dead shard after it was enqueued. */
  | { op: 'move'; id: string; seq: number }
  /** A pending task into the shard (and inbox) of `to`, the live owner running its sending account. */
  | { op: 'handover'; id: string; pairId: string; to: string };

export interface ClaimReport {
  /** The dead owner's pending tasks now in this shard, in their new seq order (behind all this owner held). */
  tasks: ScheduledTask[];
  /** Its dead letters moved here. */
  deadLetters: number;
  /** Its tasks dropped because this shard already held a pending task with the same id. */
  duplicates: number;
}

export class TaskStore {
  /** Supervisor whose shard this is. */
  readonly owner: string;
  /** Dead letters of this shard. */
  readonly deadLetters: DeadLetters;
  readonly #redis: Redis;
  readonly #o: ResolvedTaskStoreOptions;
  readonly #keys: OwnerKeys;

  /** Throws `InvalidOptionError` on a bad option; see {@link TaskStoreOptions} for defaults. */
  constructor(redis: Redis, options: TaskStoreOptions) {
    this.#o = resolveTaskStoreOptions(options);
    this.#redis = redis;
    this.owner = this.#o.owner;
    this.#keys = ownerKeys(this.owner);
    this.deadLetters = new DeadLetters(redis, this.#o);
  }

  /**
   * Applies `ops` in order in one pipeline (one round trip), `scriptChunkSize`
   * ops per script call; resolves once Redis has applied them all, rejects
   * with the first error. The pipeline is sent before this returns, so writes
   * handed over one after another reach Redis in that order even when the
   * first has not answered yet.
   */
  write(ops: readonly StoreOp[]): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    const pipeline = storeScripts(this.#redis).pipeline();
    const queue = pipeline as unknown as StoreScriptsPipeline;
    const chunk = this.#o.scriptChunkSize;
    let args: Array<string | number> = [0];
    let inChunk = 0;
    const flushChunk = (): void => {
      if (inChunk === 0) return;
      queue.schedTasksWrite(...this.#keys, ...args);
      args = [0];
      inChunk = 0;
    };
    for (const op of ops) {
      if (op.op === 'handover') {
        // Its own script, queued in its place on the pipeline: the writes before it (its put) land first.
        flushChunk();
        const to = ownerKeys(op.to);
        const [tasks, order, , , , pairs] = this.#keys;
        queue.schedHandOver(tasks, order, pairs, to[0], to[1], to[2], to[5], schedulerKeys.inbox(op.to), schedulerKeys.owners(), op.id, op.pairId, op.to);
        continue;
      }
      if (op.op === 'put') {
        const seq = op.task.seq > 0 ? op.task.seq : 0;
        if (seq === 0) args[0] = Number(args[0]) + 1;
        args.push('p', op.task.id, encodeTask(op.task), seq, op.task.pairId);
      } else if (op.op === 'ack') {
        args.push('a', op.id, op.pairId);
      } else if (op.op === 'dead') {
        args.push('d', op.letter.task.id, encodeDeadLetter(op.letter), op.letter.deadAt, op.letter.task.pairId);
      } else {
        args.push('m', op.id, op.seq);
      }
      inChunk += 1;
      if (inChunk === chunk) flushChunk();
    }
    flushChunk();
    return pipeline.exec().then((replies) => {
      for (const [error] of replies ?? []) if (error) throw error;
    });
  }

  /**
   * Stores tasks (new ones behind everything pending; one already pending is
   * rewritten and keeps its place) in one round trip; resolves once Redis has them.
   */
  addMany(tasks: readonly ScheduledTask[]): Promise<void> {
    return this.write(tasks.map((task) => ({ op: 'put', task })));
  }

  /** Forgets done tasks; unknown ids are ignored. */
  ackMany(tasks: ReadonlyArray<Pick<ScheduledTask, 'id' | 'pairId'>>): Promise<void> {
    return this.write(tasks.map(({ id, pairId }) => ({ op: 'ack', id, pairId })));
  }

  /** Rewrites a task after a failed attempt (attempts, notBefore, lastError), so a restart keeps its backoff. */
  recordRetry(task: ScheduledTask): Promise<void> {
    return this.write([{ op: 'put', task }]);
  }

  /** The write that moves `task` from pending to the dead letters, stamped now. */
  deadLetterOp(task: ScheduledTask, error: string, reason: DeadLetterReason): StoreOp {
    return { op: 'dead', letter: { task, error, reason, deadAt: this.#o.clock() } };
  }

  /** Moves `task` from pending to the dead letters, with its last error and the time, atomically. */
  deadLetter(task: ScheduledTask, error: string, reason: DeadLetterReason): Promise<void> {
    return this.write([this.deadLetterOp(task, error, reason)]);
  }

  /** Pending tasks in `seq` order, `loadChunkSize` per round trip. */
  async *pendingPages(): AsyncGenerator<ScheduledTask[]> {
    const redis = storeScripts(this.#redis);
    const [tasks, order] = this.#keys;
    const size = this.#o.loadChunkSize;
    let after = 0;
    for (;;) {
      const flat = await redis.schedTasksPage(tasks, order, after, size);
      const page: ScheduledTask[] = [];
      for (let i = 0; i < flat.length; i += 3) {
        const id = flat[i]!;
        after = Number(flat[i + 1]);
        const json = flat[i + 2];
        // An index entry without a body cannot be written by the scripts; skip rather than fail a restore.
        if (json !== null && json !== undefined) page.push(decodeTask(this.owner, id, after, json));
      }
      if (page.length > 0) yield page;
      if (flat.length < size * 3) return;
    }
  }

  /** Every pending task, in `seq` order. */
  async loadPending(): Promise<ScheduledTask[]> {
    const out: ScheduledTask[] = [];
    for await (const page of this.pendingPages()) for (const task of page) out.push(task);
    return out;
  }

  /**
   * The tasks other owners handed to this one since the last call (their
   * sending accounts run here), in the order they were handed over, with
   * the seqs they have in this shard; the inbox is emptied. They are not in
   * any in-memory scheduler yet.
   */
  async takeInbox(): Promise<ScheduledTask[]> {
    const [tasks, order] = this.#keys;
    const flat = await storeScripts(this.#redis).schedInboxTake(tasks, order, schedulerKeys.inbox(this.owner));
    const out: ScheduledTask[] = [];
    for (let i = 0; i < flat.length; i += 3) out.push(decodeTask(this.owner, flat[i]!, Number(flat[i + 1]), flat[i + 2]!));
    return out;
  }

  /** Enters this shard in the set of owners (see `scheduler-keys.ts`); before the first task is accepted. */
  async register(): Promise<void> {
    await this.#redis.sadd(schedulerKeys.owners(), this.owner);
  }

  /**
   * Sets the per-pair counts to what `tasks` (every pending task, as loaded)
   * hold: counts written by a version without them, or left by a claim cut
   * off halfway, are right again after a restore.
   */
  async recountPairs(tasks: readonly ScheduledTask[]): Promise<void> {
    const counts = new Map<string, number>();
    for (const t of tasks) counts.set(t.pairId, (counts.get(t.pairId) ?? 0) + 1);
    const multi = this.#redis.multi().del(this.#keys[5]);
    if (counts.size > 0) multi.hset(this.#keys[5], Object.fromEntries(counts));
    const replies = await multi.exec();
    const failed = replies?.find(([error]) => error !== null);
    if (failed) throw failed[0];
  }

  pendingCount(): Promise<number> {
    return this.#redis.zcard(this.#keys[1]);
  }

  /** Highest seq ever given out in this shard (0 before the first task). */
  async seqHighWater(): Promise<number> {
    return Number((await this.#redis.get(this.#keys[2])) ?? 0);
  }

  /**
   * Moves every pending task and dead letter of `deadOwnerId` into this shard,
   * `scriptChunkSize` per atomic step: the dead owner's order is kept, behind
   * everything this shard holds, and a task is never in both shards or in
   * neither. Only one owner can claim a shard at a time (a marker that expires
   * `claimMarkerTtlMs` after its last step); another one gets
   * `OrphanClaimConflictError`.
   *
   * Safe only once `deadOwnerId` is really dead, i.e. its heartbeat has
   * expired, which the CALLER checks: a live owner would go on delivering its
   * in-memory copies (duplicates) and write new tasks to its own keys, where
   * nobody loads them until it restarts.
   *
   * The moved tasks are returned; they are not in any in-memory scheduler.
   * Claim before `DurableScheduler.restore()` and they load with the rest;
   * claim later and the caller must enqueue them.
   */
  async claimOrphans(deadOwnerId: string): Promise<ClaimReport> {
    checkOwnerId('deadOwnerId', deadOwnerId);
    if (deadOwnerId === this.owner) {
      throw new InvalidOptionError({ option: 'deadOwnerId', message: 'deadOwnerId must differ from owner' });
    }
    const redis = storeScripts(this.#redis);
    const from = ownerKeys(deadOwnerId);
    const [tasks, order, seq, dead, deadOrder, pairs] = this.#keys;
    const keys = [
      from[0], from[1], from[3], from[4], tasks, order, seq, dead, deadOrder, schedulerKeys.claim(deadOwnerId), from[5], pairs, schedulerKeys.owners(),
    ];
    const report: ClaimReport = { tasks: [], deadLetters: 0, duplicates: 0 };
    for (;;) {
      const reply = await redis.schedClaimOrphans(...keys, this.owner, this.#o.scriptChunkSize, this.#o.claimMarkerTtlMs, deadOwnerId);
      const status = Number(reply[0]);
      if (status === -1) {
        throw new OrphanClaimConflictError({ deadOwner: deadOwnerId, claimant: this.owner, holder: String(reply[1]) });
      }
      report.deadLetters += Number(reply[2]);
      report.duplicates += Number(reply[3]);
      for (let i = 4; i < reply.length; i += 3) {
        report.tasks.push(decodeTask(this.owner, String(reply[i]), Number(reply[i + 1]), String(reply[i + 2])));
      }
      if (status === 0) {
        // What was handed to the dead owner came over with its tasks; its list of them is left over.
        await this.#redis.del(schedulerKeys.inbox(deadOwnerId));
        return report;
      }
    }
  }
}
