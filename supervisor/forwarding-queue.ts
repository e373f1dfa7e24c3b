/**
 * The supervisor's forwarding queue: the in-memory priority scheduler made
 * durable in Redis under this supervisor's own shard, restored on start, and
 * drained by the dispatcher into the actors that own the sending accounts.
 * The forwarding engine enqueues here; nothing counts as accepted before
 * Redis has it.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { PriorityScheduler } from '../src/scheduler/core/priority-scheduler.ts';
import type { SchedulerMetrics } from '../src/scheduler/core/scheduler-metrics.ts';
import type { SchedulerOptions } from '../src/scheduler/core/scheduler-options.ts';
import type { EnqueueResult, NewForwardTask } from '../src/scheduler/core/task.ts';
import { DurableScheduler, type DurableReplayReport } from '../src/scheduler/durable-scheduler.ts';
import type { DeadLetters, DeadLetterSelection } from '../src/scheduler/store/dead-letters.ts';
import { TaskStore } from '../src/scheduler/store/task-store.ts';
import { Dispatcher, type DeliveryRecorder, type SendResolver } from './dispatcher.ts';
import type { Supervisor } from './supervisor.ts';

export interface ForwardingQueueOptions {
  /** Scheduler options (pacing, retries, aging, caps); `workerOf` is supplied here. */
  scheduler?: Omit<SchedulerOptions, 'workerOf'>;
  /** How a task becomes what the actor sends. Default: see dispatcher.ts. */
  resolve?: SendResolver;
  /** Records a successful send before its ack (see dispatcher.ts). Default: nothing. */
  onDelivered?: DeliveryRecorder;
  /** How long tasks wait for a sending account this supervisor does not know, in ms. Default 60,000 (see dispatcher.ts). */
  unknownAccountGraceMs?: number;
}

export class ForwardingQueue {
  readonly scheduler: DurableScheduler;
  readonly dispatcher: Dispatcher;
  /** Dead letters of this supervisor's shard: list, replay, purge. */
  readonly deadLetters: DeadLetters;
  readonly #core: PriorityScheduler;

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
    const core = new PriorityScheduler({
      ...options.scheduler,
      // Per-worker in-flight bounds follow where each sending account runs now.
      workerOf: (accountId) => supervisor.sessions.get(accountId)?.workerId ?? 'unplaced',
    });
    const store = new TaskStore(redis, { owner: supervisor.id });
    const scheduler = new DurableScheduler(core, store);
    const restored = await scheduler.restore(Date.now());
    logger.info({ restored }, 'forwarding queue restored');
    const dispatcher = new Dispatcher({
      queue: scheduler,
      supervisor,
      logger,
      ...(options.resolve ? { resolve: options.resolve } : {}),
      ...(options.onDelivered ? { onDelivered: options.onDelivered } : {}),
      ...(options.unknownAccountGraceMs !== undefined ? { unknownAccountGraceMs: options.unknownAccountGraceMs } : {}),
    });
    dispatcher.start();
    return new ForwardingQueue(core, store, scheduler, dispatcher);
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
    await this.dispatcher.stop();
    await this.scheduler.close();
  }
}
