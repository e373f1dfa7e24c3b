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
 * stop), tasks and dead letters, and runs them here. Not for a snapshot TTL
 * after its own Redis outage, though, nor while Redis has been up for less
 * (a supervisor starting just after Redis restarted, as one waiting for it
 * at start does): an outage that long expires the live supervisors'
 * snapshots too, and a claim of a live shard would run its tasks twice
 * over, out of order, or dead-letter them.
 *
 * A pair keeps its order across such a move: its source's session starts
 * here only once its lease has gone from the old owner, but that owner's
 * snapshot may outlive the lease, and the claim comes with the next scan.
 * So before any actor starts, and with every scan, the queue holds the
 * pairs other shards still have tasks of (`foreign-pairs.ts`): what is
 * accepted here for them waits until those are done there or claimed, and
 * claimed ones go in front of it. While pairs are held, scans come every
 * `heldPairScanMs`.
 *
 * A task whose sending account runs on another live supervisor is handed
 * over to that supervisor's shard (dispatcher.ts, account-locator.ts), and
 * tasks handed to this one come in through its inbox (task-inbox.ts).
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
import { pairsPendingIn } from '../src/scheduler/store/foreign-pairs.ts';
import { registeredOwners, shardOwners } from '../src/scheduler/store/shard-owners.ts';
import type { DeadLetters, DeadLetterSelection } from '../src/scheduler/store/dead-letters.ts';
import { TaskStore } from '../src/scheduler/store/task-store.ts';
import { accountLocator } from './account-locator.ts';
import type { DeliveryRecorder, NeedsTopicListener, NoticeListener, PartialSendListener, SendResolver } from './dispatch-hooks.ts';
import { Dispatcher } from './dispatcher.ts';
import { snapshotTtlMs } from './supervisor-status.ts';
import { redisUptimeMs } from '../src/infra/redis-uptime.ts';
import { TaskInbox } from './task-inbox.ts';
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
  /** Hears what a failed send did (parts posted, a topic opened), for its retry to build on (see dispatcher.ts). Default: ignored. */
  onPartial?: PartialSendListener;
  /** Hears that a destination holds posts only, and says whether the send can be placed in one (see dispatcher.ts). Default: it cannot. */
  onNeedsTopic?: NeedsTopicListener;
  /** How long tasks wait for a sending account this supervisor does not know, in ms. Default 60,000 (see dispatcher.ts). */
  unknownAccountGraceMs?: number;
  /** How often to look for shards of dead supervisors to claim, in ms (also once on start). Default 30,000. */
  orphanScanMs?: number;
  /** How often to look again while pairs are held for tasks in another shard, in ms. Default 1,000. */
  heldPairScanMs?: number;
}

export class ForwardingQueue {
  readonly scheduler: DurableScheduler;
  readonly dispatcher: Dispatcher;
  /** Tasks other supervisors hand to this one. */
  readonly inbox: TaskInbox;
  #known = { accounts: false };
  /** Dead letters of this supervisor's shard: list, replay, purge. */
  readonly deadLetters: DeadLetters;
  readonly #core: PriorityScheduler;
  readonly #redis: Redis;
  readonly #logger: Logger;
  readonly #selfId: string;
  #orphanTimer: NodeJS.Timeout | null = null;
  #stopped = false;
  /** The scan running now, and the one queued behind it. */
  #scanning: Promise<void> | null = null;
  #queuedScan: Promise<void> | null = null;
  /** Whether the queued scan SCANs the keyspace too (see `foreignShards`). */
  #queuedFull = false;
  #lastFullScanAt = Date.now();
  /** Owners only the last SCAN of the keyspace found, looked at by the scans between too. */
  #scannedOwners = new Set<string>();
  /** Whether a snapshot missing now means its supervisor is dead (see `start`). */
  #snapshotsTell: () => boolean = () => true;

  private constructor(core: PriorityScheduler, store: TaskStore, scheduler: DurableScheduler, dispatcher: Dispatcher, inbox: TaskInbox, redis: Redis, logger: Logger) {
    this.#core = core;
    this.inbox = inbox;
    this.deadLetters = store.deadLetters;
    this.scheduler = scheduler;
    this.dispatcher = dispatcher;
    this.#redis = redis;
    this.#logger = logger;
    this.#selfId = store.owner;
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
    const heldScanMs = checkPositiveInteger('heldPairScanMs', o.heldPairScanMs ?? 1_000);
    if (o.unknownAccountGraceMs !== undefined) checkTimerMs('unknownAccountGraceMs', o.unknownAccountGraceMs);
    for (const fn of ['resolve', 'onDelivered', 'onNotice', 'onPartial', 'onNeedsTopic'] as const) {
      if (o[fn] !== undefined && typeof o[fn] !== 'function') failOption(fn, 'must be a function');
    }
    // Until the runtime says which accounts this supervisor runs (`accountsKnown`), every one counts as sent
    // here: at a restore no session is added yet, and a held pair must not be handed out then.
    const known = { accounts: false };
    const core = new PriorityScheduler({
      ...options.scheduler,
      // Per-worker in-flight bounds follow where each sending account runs now.
      workerOf: (accountId) => supervisor.sessions.get(accountId)?.workerId ?? 'unplaced',
      sendsHere: (accountId) => !known.accounts || supervisor.sessions.get(accountId) !== undefined,
    });
    const store = new TaskStore(redis, { owner: supervisor.id });
    // Dispatch never waits for these writes (only the source's acceptance and cursor do), so they can wait
    // for company: a few ms and one pipeline on the wire at a time cut the socket writes per message, whose
    // CPU was what a busy supervisor spent most on.
    const scheduler = new DurableScheduler(core, store, { batching: { lingerMs: 3, maxInFlight: 1 } });
    const snapshotTtl = snapshotTtlMs(supervisor.options.statusIntervalMs);
    // Redis up for less than a snapshot TTL restarted (or is new): a snapshot missing now may be one the restart
    // lost, its supervisor alive and about to publish again, as after this supervisor's own outage (below).
    const quietUntil = Date.now() + Math.max(0, snapshotTtl - await redisUptimeMs(redis));
    const { others, dead: expired, scanned } = await foreignShards(redis, supervisor.id, null);
    const orphans = Date.now() < quietUntil ? [] : expired;
    // Claimed before the restore, they load with this shard's own tasks.
    for (const owner of orphans) await claim(logger, owner, () => store.claimOrphans(owner));
    const restored = await scheduler.restore(Date.now());
    // No actor runs yet, so nothing of these pairs can have been handed out.
    scheduler.holdPairs(await pairsPendingIn(redis, others), Date.now());
    logger.info({ restored, claimedFrom: orphans, heldPairs: core.heldPairs.size }, 'forwarding queue restored');
    const dispatcher = new Dispatcher({
      queue: scheduler,
      supervisor,
      logger,
      locate: accountLocator(supervisor, redis),
      onHandedOver: (owner) => void TaskInbox.notify(redis, owner).catch((err: unknown) => logger.warn({ err, owner }, 'could not wake the supervisor a task was handed to')),
      ...(options.resolve ? { resolve: options.resolve } : {}),
      ...(options.onDelivered ? { onDelivered: options.onDelivered } : {}),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
      ...(options.onPartial ? { onPartial: options.onPartial } : {}),
      ...(options.onNeedsTopic ? { onNeedsTopic: options.onNeedsTopic } : {}),
      ...(options.unknownAccountGraceMs !== undefined ? { unknownAccountGraceMs: options.unknownAccountGraceMs } : {}),
    });
    dispatcher.start();
    const inbox = new TaskInbox({ redis, scheduler, owner: supervisor.id, onAdopted: () => dispatcher.kick(), logger, pollMs: heldScanMs });
    await inbox.start();
    const queue = new ForwardingQueue(core, store, scheduler, dispatcher, inbox, redis, logger);
    queue.#known = known;
    // A Redis outage longer than a snapshot's TTL (a restart, a stall) expires every snapshot, the live
    // supervisors' with the rest, and the first to be back would claim their shards from under them. So
    // for a snapshot TTL after this supervisor's own outage (time for each to publish again) none counts as dead.
    queue.#snapshotsTell = () => {
      const { stalledForMs, lastStall } = supervisor.redisHealth();
      return Date.now() >= quietUntil && stalledForMs === null && (lastStall === null || Date.now() - lastStall.endedAt >= snapshotTtl);
    };
    queue.#scannedOwners = new Set(scanned.filter((id) => !orphans.includes(id)));
    // Ticks at the held-pair pace, so holds an actor's start added are looked at again soon too.
    const tick = (): void => {
      queue.#orphanTimer = setTimeout(() => {
        const full = Date.now() - queue.#lastFullScanAt >= scanMs;
        void (full || core.heldPairs.size > 0 ? queue.#requestScan(full) : Promise.resolve()).finally(() => {
          if (!queue.#stopped) tick();
        });
      }, heldScanMs);
      queue.#orphanTimer.unref();
    };
    tick();
    return queue;
  }

  /**
   * The runtime has added the sessions of the accounts this supervisor runs
   * (its first reconcile): from now on, a pair held for tasks in another
   * shard holds only tasks this supervisor sends; those of accounts it has
   * no session of are handed out, to be handed over to where they run.
   * Without it (no runtime sync), every account counts as sent here.
   */
  accountsKnown(): void {
    this.#known.accounts = true;
    void this.#requestScan(false);
  }

  /**
   * Claims the shards of dead supervisors and holds the pairs other shards
   * still have tasks of, in a scan that starts after this call (one already
   * under way may have read the shards too early for the caller, such as an
   * actor whose lease was just granted). Never rejects: a failed scan is
   * logged and changes nothing.
   */
  lookForHandovers(): Promise<void> {
    return this.#requestScan(false);
  }

  #requestScan(full: boolean): Promise<void> {
    this.#queuedFull ||= full;
    this.#queuedScan ??= (this.#scanning ?? Promise.resolve()).then(() => {
      const queuedFull = this.#queuedFull;
      this.#queuedScan = null;
      this.#queuedFull = false;
      this.#scanning = this.#scan(queuedFull).finally(() => {
        this.#scanning = null;
      });
      return this.#scanning;
    });
    return this.#queuedScan;
  }

  async #scan(full: boolean): Promise<void> {
    if (this.#stopped) return;
    if (full) this.#lastFullScanAt = Date.now();
    try {
      const { others, dead: expired, scanned } = await foreignShards(this.#redis, this.#selfId, full ? null : this.#scannedOwners);
      const dead = this.#snapshotsTell() ? expired : [];
      // While running, claimed tasks join the ones in memory (in front, in a held pair).
      for (const owner of dead) await claim(this.#logger, owner, () => this.scheduler.claimOrphans(owner, Date.now()));
      this.#scannedOwners = new Set(scanned.filter((id) => !dead.includes(id)));
      const held = await pairsPendingIn(this.#redis, others);
      // A task handed over here after that read left the other shard (so its pair may not be named) but is
      // in this one's inbox: taken in before the holds change, or the pair's own later tasks would go first.
      if (!(await this.inbox.take())) return;
      const before = this.#core.heldPairs.size;
      this.scheduler.holdPairs(held, Date.now());
      if (held.size !== before) this.#logger.info({ heldPairs: held.size }, 'pairs held for tasks in other supervisors\' shards');
      this.dispatcher.kick();
    } catch (err) {
      this.#logger.warn({ err }, 'could not look at the shards of other supervisors');
    }
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
    this.#stopped = true;
    if (this.#orphanTimer !== null) clearTimeout(this.#orphanTimer);
    this.#orphanTimer = null;
    // A claim under way finishes its writes before the store closes.
    await this.#queuedScan;
    await this.#scanning;
    await this.inbox.stop();
    await this.dispatcher.stop();
    await this.scheduler.close();
  }
}

/**
 * Supervisors other than `selfId` that hold a shard, those of them that
 * publish no snapshot any more, and the ones only a SCAN of the keyspace
 * finds (shards of versions before the set of owners). The SCAN runs when
 * `scanned` is null (on start and every `orphanScanMs`, not before every
 * actor start); otherwise `scanned` stands in for it.
 */
async function foreignShards(
  redis: Redis, selfId: string, scanned: ReadonlySet<string> | null,
): Promise<{ others: string[]; dead: string[]; scanned: string[] }> {
  const registered = await registeredOwners(redis);
  const found = scanned ?? await shardOwners(redis, redis.options.keyPrefix ?? '');
  const unregistered = [...found].filter((id) => !registered.has(id) && id !== selfId);
  const others = [...registered, ...unregistered].filter((id) => id !== selfId);
  const alive = await aliveSupervisors(redis, others);
  return { others, dead: others.filter((id) => !alive.has(id)), scanned: unregistered };
}

/** One claim; another live supervisor claiming the same shard is not an error (it will run the tasks). */
async function claim(logger: Logger, owner: string, run: () => Promise<unknown>): Promise<void> {
  try {
    const report = await run() as { tasks?: unknown[]; claimed?: number; deadLetters: number; duplicates: number };
    // Counts only: the tasks carry users' message text, which has no place in an operator's log.
    const summary = { claimed: report.tasks?.length ?? report.claimed ?? 0, deadLetters: report.deadLetters, duplicates: report.duplicates };
    // A dead owner's empty shard (it stopped cleanly) leaves the set of owners quietly.
    if (summary.claimed + summary.deadLetters + summary.duplicates > 0) logger.warn({ deadSupervisor: owner, report: summary }, 'claimed the tasks of a dead supervisor');
  } catch (err) {
    if (err instanceof OrphanClaimConflictError) logger.info({ deadSupervisor: owner }, 'another supervisor is claiming this shard');
    else logger.error({ err, deadSupervisor: owner }, 'could not claim the tasks of a dead supervisor');
  }
}
