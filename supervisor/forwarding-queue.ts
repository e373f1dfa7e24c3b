/**
 * The supervisor's forwarding queue: the in-memory priority scheduler made
 * durable in Redis under this supervisor's own shard, restored on start, and
 * drained by the dispatcher into the actors that own the sending accounts.
 * The forwarding engine enqueues here; nothing counts as accepted before
 * Redis has it.
 *
 * A supervisor's id is new with every process (unless SUPERVISOR_ID is set),
 * so the shard of one that crashed or restarted would be loaded by nobody:
 * on start, and every `orphanScanMs` after, the queue claims the shards of
 * supervisors whose status snapshot has expired (or was removed by a clean
 * stop), tasks and dead letters, and runs them here.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { PriorityScheduler } from '../src/scheduler/core/priority-scheduler.ts';
import type { SchedulerMetrics } from '../src/scheduler/core/scheduler-metrics.ts';
import type { SchedulerOptions } from '../src/scheduler/core/scheduler-options.ts';
import type { EnqueueResult, NewForwardTask } from '../src/scheduler/core/task.ts';
import { aliveSupervisors } from '../src/cluster/snapshot-store.ts';
import { OrphanClaimConflictError } from '../src/errors/registry.ts';
import { checkOptionsObject, checkPositiveInteger, checkTimerMs, failOption } from '../src/options/option-checks.ts';
import { DurableScheduler, type DurableReplayReport } from '../src/scheduler/durable-scheduler.ts';
import { shardOwners } from '../src/scheduler/store/shard-owners.ts';
import type { DeadLetters, DeadLetterSelection } from '../src/scheduler/store/dead-letters.ts';
import { TaskStore } from '../src/scheduler/store/task-store.ts';
import { Dispatcher, type DeliveryRecorder, type NoticeListener, type PartialSendListener, type SendResolver } from './dispatcher.ts';
import type { Supervisor } from './supervisor.ts';

export interface ForwardingQueueOptions {
  /** Scheduler options (pacing, retries, aging, caps); `workerOf` is supplied here. */
  scheduler?: Omit<SchedulerOptions, 'workerOf'>;
  /** How a task becomes what the actor sends. Default: see dispatcher.ts. */
  resolve?: SendResolver;
  /** Records a successful send before its ack (see dispatcher.ts). Default: nothing. */
  onDelivered?: DeliveryRecorder;
  /** Hears the notices send results carry (see dispatcher.ts). Default: ignored. */
  onNotice?: NoticeListener;
  /** Hears the parts a failed send posted, for its retry to resume after (see dispatcher.ts). Default: ignored. */
  onPartial?: PartialSendListener;
  /** How long tasks wait for a sending account this supervisor does not know, in ms. Default 60,000 (see dispatcher.ts). */
  unknownAccountGraceMs?: number;
  /** How often to look for shards of dead supervisors to claim, in ms (also once on start). Default 30,000. */
  orphanScanMs?: number;
}

export class ForwardingQueue {
  readonly scheduler: DurableScheduler;
  readonly dispatcher: Dispatcher;
  /** Dead letters of this supervisor's shard: list, replay, purge. */
  readonly deadLetters: DeadLetters;
  readonly #core: PriorityScheduler;
  #orphanTimer: NodeJS.Timeout | null = null;

  private constructor(core: PriorityScheduler, store: TaskStore, scheduler: DurableScheduler, dispatcher: Dispatcher) {
    this.#core = core;
    this.deadLetters = store.deadLetters;
    this.scheduler = scheduler;
    this.dispatcher = dispatcher;
  }

  /** Queue figures per tier, read synchronously (for scrapes and the status snapshot). */
  metrics(): SchedulerMetrics {
    return this.#core.metrics();
  }

  /** Restores what this supervisor's shard still holds, then starts dispatching. */
  static async start(supervisor: Supervisor, redis: Redis, logger: Logger, options: ForwardingQueueOptions = {}): Promise<ForwardingQueue> {
    // Checked before anything is read or claimed, so a bad option changes nothing.
    const o = checkOptionsObject(options) as ForwardingQueueOptions;
    const scanMs = checkPositiveInteger('orphanScanMs', o.orphanScanMs ?? 30_000);
    if (o.unknownAccountGraceMs !== undefined) checkTimerMs('unknownAccountGraceMs', o.unknownAccountGraceMs);
    for (const fn of ['resolve', 'onDelivered', 'onNotice', 'onPartial'] as const) {
      if (o[fn] !== undefined && typeof o[fn] !== 'function') failOption(fn, 'must be a function');
    }
    const core = new PriorityScheduler({
      ...options.scheduler,
      // Per-worker in-flight bounds follow where each sending account runs now.
      workerOf: (accountId) => supervisor.sessions.get(accountId)?.workerId ?? 'unplaced',
    });
    const store = new TaskStore(redis, { owner: supervisor.id });
    // Dispatch never waits for these writes (only the source's acceptance and cursor do), so they can wait
    // for company: a few ms and one pipeline on the wire at a time cut the socket writes per message, whose
    // CPU was what a busy supervisor spent most on.
    const scheduler = new DurableScheduler(core, store, { batching: { lingerMs: 3, maxInFlight: 1 } });
    const orphans = await findOrphans(redis, supervisor.id);
    // Claimed before the restore, they load with this shard's own tasks.
    for (const owner of orphans) await claim(logger, owner, () => store.claimOrphans(owner));
    const restored = await scheduler.restore(Date.now());
    logger.info({ restored, claimedFrom: orphans }, 'forwarding queue restored');
    const dispatcher = new Dispatcher({
      queue: scheduler,
      supervisor,
      logger,
      ...(options.resolve ? { resolve: options.resolve } : {}),
      ...(options.onDelivered ? { onDelivered: options.onDelivered } : {}),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
      ...(options.onPartial ? { onPartial: options.onPartial } : {}),
      ...(options.unknownAccountGraceMs !== undefined ? { unknownAccountGraceMs: options.unknownAccountGraceMs } : {}),
    });
    dispatcher.start();
    const queue = new ForwardingQueue(core, store, scheduler, dispatcher);
    // While running, claimed tasks join the ones in memory, and the dispatcher is woken for them.
    const claimRunning = async (): Promise<void> => {
      const found = await findOrphans(redis, supervisor.id).catch((err: unknown) => {
        logger.warn({ err }, 'could not look for shards of dead supervisors');
        return [];
      });
      for (const owner of found) await claim(logger, owner, () => scheduler.claimOrphans(owner, Date.now()));
      if (found.length > 0) dispatcher.kick();
    };
    const scan = (): void => {
      queue.#orphanTimer = setTimeout(() => void claimRunning().finally(() => {
        if (queue.#orphanTimer !== null) scan();
      }), scanMs);
      queue.#orphanTimer.unref();
    };
    scan();
    return queue;
  }

  /**
   * Accepts a task once Redis holds it (or refuses it, with the reason, and
   * stores nothing). The task is in memory from the call on, so dispatch does
   * not wait for the write: a crash before the write means the source never
   * heard "accepted" and sends again, and the send's nonce absorbs the repeat.
   * The write batcher keeps a task's put ahead of its ack.
   */
  enqueue(task: NewForwardTask): Promise<EnqueueResult> {
    const result = this.scheduler.enqueue(task, Date.now());
    this.dispatcher.kick();
    return result;
  }

  /** Moves dead letters back into the queue (attempts reset), and wakes the dispatcher. */
  async replayDeadLetters(selection: DeadLetterSelection): Promise<DurableReplayReport> {
    const report = await this.scheduler.replayDeadLetters(selection, Date.now());
    this.dispatcher.kick();
    return report;
  }

  /** Stops dispatching (sends in flight finish), then flushes the store. Pending tasks stay in Redis. */
  async stop(): Promise<void> {
    if (this.#orphanTimer !== null) clearTimeout(this.#orphanTimer);
    this.#orphanTimer = null;
    await this.dispatcher.stop();
    await this.scheduler.close();
  }
}

/** Supervisors other than `selfId` that hold a shard and publish no snapshot any more. */
async function findOrphans(redis: Redis, selfId: string): Promise<string[]> {
  const owners = [...await shardOwners(redis, redis.options.keyPrefix ?? '')].filter((id) => id !== selfId);
  const alive = await aliveSupervisors(redis, owners);
  return owners.filter((id) => !alive.has(id));
}

/** One claim; another live supervisor claiming the same shard is not an error (it will run the tasks). */
async function claim(logger: Logger, owner: string, run: () => Promise<unknown>): Promise<void> {
  try {
    const report = await run();
    // Counts only: the tasks carry users' message text, which has no place in an operator's log.
    const summary = report !== null && typeof report === 'object' && 'tasks' in report && Array.isArray(report.tasks)
      ? { ...report, tasks: undefined, claimed: report.tasks.length }
      : report;
    logger.warn({ deadSupervisor: owner, report: summary }, 'claimed the tasks of a dead supervisor');
  } catch (err) {
    if (err instanceof OrphanClaimConflictError) logger.info({ deadSupervisor: owner }, 'another supervisor is claiming this shard');
    else logger.error({ err, deadSupervisor: owner }, 'could not claim the tasks of a dead supervisor');
  }
}
