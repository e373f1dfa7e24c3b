/**
 * Hands runnable forwarding tasks from the scheduler to the actor that owns
 * each task's sending account, and reports the outcome back. It never sleeps
 * on a platform limit: a Telegram FLOOD_WAIT or a Discord 429 becomes a "not
 * before" on that account in the scheduler, and every other account keeps
 * flowing; a wait the actor's own pacing names for one busy chat holds only
 * the task's pair, and a send it handed back unsent costs no attempt.
 *
 * A task whose sending account is not running right now (paused under RAM
 * pressure, restarting after a crash) is held here, not failed: it stays
 * pending in Redis and counts against the account's in-flight bound, so at
 * most that many wait per account, and it goes out when the account runs
 * again. When the account runs on another live supervisor instead (its
 * session lease says which), the held tasks are handed over to that
 * supervisor's shard, in order, and it sends them: a pair whose source is
 * read here and whose destination is written there never waits for the
 * account to come here. Only an account that is gone for good fails its
 * tasks: one revoked, or one no supervisor runs and this one has not known
 * for `unknownAccountGraceMs` (after a restart the queue is restored before
 * the sessions are added again).
 */
import type { Logger } from 'pino';
import type { SendNotice, SendResult } from '../src/runtime-contracts/actor-contract.ts';
import type { ScheduledTask } from '../src/scheduler/core/task.ts';
import {
  defaultSendResolver, type AccountLocator, type DeliveryRecorder, type DispatchQueue, type NeedsTopicListener, type NoticeListener,
  type PartialSendListener, type SendResolver,
} from './dispatch-hooks.ts';
import { HeldTasks } from './held-tasks.ts';
import type { Supervisor } from './supervisor.ts';
import { isDatabaseUnavailable } from '../src/db/database-unavailable.ts';

/** A destination that holds posts only, for a pair whose sends cannot be placed in one. */
const NO_POST_NOTICE: SendNotice = {
  code: 'destination_needs_post',
  message: 'The destination is a Discord forum or media channel, which holds posts only, and this pair\'s messages cannot be placed in one: pick a text channel or a thread',
};

export interface DispatcherOptions {
  queue: DispatchQueue;
  supervisor: Supervisor;
  logger: Logger;
  resolve?: SendResolver;
  /** Called after a successful send, before the ack. Default: records nothing. */
  onDelivered?: DeliveryRecorder;
  /** Called with the notice of a send result, if any. Default: ignored. */
  onNotice?: NoticeListener;
  /** Called with what a failed send did (parts posted, a topic opened), for its retry to build on. Default: ignored. */
  onPartial?: PartialSendListener;
  /** Called when a destination turns out to hold posts only. Default: cannot place (the task fails with a notice). */
  onNeedsTopic?: NeedsTopicListener;
  /** Longest the loop sleeps when nothing is runnable and nothing wakes it, in ms. Default 1,000. */
  idleWakeMs?: number;
  /** How long tasks wait for a sending account this supervisor does not know before they fail for good, in ms. Default 60,000. */
  unknownAccountGraceMs?: number;
  /** Finds where an account held here runs instead. Default: nowhere (tasks wait for the account to run here). */
  locate?: AccountLocator;
  /** Told once a handed-over task is in `toOwner`'s shard, to wake it. Default: nothing. */
  onHandedOver?: (toOwner: string) => void;
  /** How often accounts with held tasks are looked for elsewhere, in ms. Default 1,000. */
  locateEveryMs?: number;
}

/** Tasks handed over to other supervisors since start (for metrics and tests). */
export interface HandOverCounts {
  tasks: number;
  failed: number;
}

const RUNNING = new Set(['running', 'idle']);
/** How long a task whose resolving found PostgreSQL away waits before it is tried again, ms. */
const STORAGE_RETRY_MS = 1_000;

export class Dispatcher {
  readonly #o: Required<DispatcherOptions>;
  /** Tasks taken for accounts not running here right now. */
  readonly #held: HeldTasks;
  #timer: NodeJS.Timeout | null = null;
  #stopped = true;
  #pumping = false;
  #kicked = false;
  #inFlight = 0;
  #drained: (() => void) | null = null;
  /** Sends told to wait, by `platform|source`: `platform` answered it (Telegram FLOOD_WAIT, Discord 429), or our own `pacer` did. */
  readonly #waits = new Map<string, number>();
  readonly handedOver: HandOverCounts = { tasks: 0, failed: 0 };

  constructor(options: DispatcherOptions) {
    this.#o = {
      resolve: defaultSendResolver, onDelivered: async () => {}, onNotice: () => {}, onPartial: () => {}, onNeedsTopic: () => false,
      idleWakeMs: 1_000, unknownAccountGraceMs: 60_000, locate: async () => null, onHandedOver: () => {}, locateEveryMs: 1_000, ...options,
    };
    const sessions = this.#o.supervisor.sessions;
    this.#held = new HeldTasks({
      locate: this.#o.locate,
      runsHere: (accountId) => RUNNING.has(sessions.get(accountId)?.state ?? ''),
      knows: (accountId) => sessions.get(accountId) !== undefined,
      handOver: (task, owner) => this.#handOver(task, owner),
      fail: (task, reason) => this.#settle(this.#o.queue.fail(task.id, reason, Date.now(), { permanent: true })),
      graceMs: this.#o.unknownAccountGraceMs,
      locateEveryMs: this.#o.locateEveryMs,
      logger: this.#o.logger,
    });
  }

  /** Sends told to wait since start, by platform and by who said so (for `switchboard_send_waits_total`). */
  waits(): Array<{ platform: string; source: 'platform' | 'pacer'; count: number }> {
    return [...this.#waits].map(([key, count]) => {
      const [platform, source] = key.split('|') as [string, 'platform' | 'pacer'];
      return { platform, source, count };
    });
  }

  start(): void {
    this.#stopped = false;
    this.#o.supervisor.on('session', this.#onSession);
    this.#held.start();
    this.kick();
  }

  /** Something changed (a task enqueued, an account unblocked): look for work now. */
  kick(): void {
    if (this.#stopped) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    // Every enqueue and every ack kicks: one pump per turn serves them all.
    if (this.#kicked) return;
    this.#kicked = true;
    setImmediate(() => {
      this.#kicked = false;
      this.#pump();
    });
  }

  /** Stops taking work and waits for sends in flight; held tasks stay pending in Redis. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#o.supervisor.off('session', this.#onSession);
    if (this.#timer) clearTimeout(this.#timer);
    this.#held.stop();
    if (this.#inFlight > 0) await new Promise<void>((resolve) => { this.#drained = resolve; });
  }

  get held(): number {
    return this.#held.size;
  }

  #pump(): void {
    if (this.#stopped || this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        const now = Date.now();
        const result = this.#o.queue.take(now);
        if (result.task === null) {
          const wait = result.wakeAt === null ? this.#o.idleWakeMs : Math.max(0, Math.min(result.wakeAt - now, this.#o.idleWakeMs));
          this.#timer = setTimeout(() => this.#pump(), wait);
          return;
        }
        this.#route(result.task);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #route(task: ScheduledTask): void {
    const accountId = task.sendingAccountId;
    const record = this.#o.supervisor.sessions.get(accountId);
    if (record?.state === 'revoked') {
      this.#settle(this.#o.queue.fail(task.id, `sending account ${accountId} is revoked`, Date.now(), { permanent: true }));
      return;
    }
    if (record === undefined || !RUNNING.has(record.state) || record.workerId === null) {
      this.#held.hold(task);
      return;
    }
    this.#send(task, record.workerId);
  }

  #handOver(task: ScheduledTask, owner: string): void {
    this.#settle(this.#o.queue.handOver(task.id, owner, Date.now()).then(
      () => {
        this.handedOver.tasks += 1;
        this.#o.onHandedOver(owner);
      },
      (err: unknown) => {
        // Memory let it go; Redis still holds it here, so it runs after a restart (or is claimed): logged, never lost.
        this.handedOver.failed += 1;
        this.#o.logger.warn({ err, taskId: task.id, to: owner }, 'could not hand a task over to the supervisor running its account');
      },
    ));
  }

  #send(task: ScheduledTask, workerId: string): void {
    const worker = this.#o.supervisor.workers().find((w) => w.workerId === workerId);
    if (!worker) {
      this.#route(task);
      return;
    }
    this.#inFlight += 1;
    const done = (async () => {
      let result: SendResult;
      let sent = false;
      try {
        const send = await this.#o.resolve(task);
        if (send === null) {
          result = { ok: true, destinationMessageIds: [] };
        } else {
          sent = true;
          result = await worker.call<SendResult>(async (api) => (await api.send(task.sendingAccountId, send)) as SendResult);
          if (!result.ok && result.needsTopic === true) {
            // Sent again at once into a post, unless this send was already to open one (then no placement helps).
            result = send.openTopic === undefined && await this.#o.onNeedsTopic(task, send)
              ? { ...result, kind: 'flood_wait', paced: true, scope: 'chat', retryAfterMs: 0 }
              : { ok: false, kind: 'permanent', message: result.message, notice: NO_POST_NOTICE };
          }
          if (result.notice) this.#o.onNotice(task, result.notice);
          if (!result.ok && ((result.sentPartIds?.length ?? 0) > 0 || result.openedTopicId !== undefined)) {
            await this.#o.onPartial(task, send, { ...(result.sentPartIds ? { sentPartIds: result.sentPartIds } : {}), ...(result.openedTopicId ? { openedTopicId: result.openedTopicId } : {}) });
          }
          if (result.ok) await this.#o.onDelivered(task, send, result);
        }
      } catch (err) {
        result = { ok: false, kind: 'transient', message: err instanceof Error ? err.message : String(err) };
        if (!sent && isDatabaseUnavailable(err)) {
          // Resolving needed PostgreSQL, which is away: nothing was sent, so no attempt is spent (paced: it
          // waits STORAGE_RETRY_MS, keeping its place); an outage must not turn tasks into dead letters.
          await this.#o.queue.fail(task.id, result.message, Date.now(), { paced: true, retryAfterMs: STORAGE_RETRY_MS })
            .catch((error: unknown) => this.#o.logger.warn({ err: error, taskId: task.id }, 'could not record a task outcome in Redis'));
          return;
        }
      }
      // A write Redis refused must not take the process down (an unhandled rejection would): memory already
      // has the outcome, and the record Redis still holds only makes the task run again after a restart,
      // which its idempotency key absorbs.
      await this.#report(task, result).catch((err: unknown) => this.#o.logger.warn({ err, taskId: task.id }, 'could not record a task outcome in Redis'));
    })();
    void done.finally(() => {
      this.#inFlight -= 1;
      if (this.#inFlight === 0 && this.#drained) this.#drained();
      this.kick();
    });
  }

  async #report(task: ScheduledTask, result: SendResult): Promise<void> {
    if (result.ok) {
      const durable = this.#o.queue.ack(task.id, Date.now());
      // The scheduler freed the pair's and the account's slots in memory: their next task need not wait for Redis.
      this.kick();
      await durable;
      return;
    }
    switch (result.kind) {
      case 'flood_wait': {
        const retryAfterMs = result.retryAfterMs ?? 1_000;
        if (result.needsTopic === true) {
          // Not a wait: the send goes again, placed in a post, as if never dispatched.
          await this.#o.queue.fail(task.id, result.message, Date.now(), { retryAfterMs, paced: true });
          return;
        }
        const key = `${this.#o.supervisor.sessions.get(task.sendingAccountId)?.spec.platform ?? 'unknown'}|${result.paced === true ? 'pacer' : 'platform'}`;
        this.#waits.set(key, (this.#waits.get(key) ?? 0) + 1);
        // The account waits (or, for a busy chat, only this pair); the task keeps its place at the head of its pair.
        if (result.scope !== 'chat') this.#o.queue.blockAccount(task.sendingAccountId, Date.now() + retryAfterMs, 'flood_wait');
        await this.#o.queue.fail(task.id, result.message, Date.now(), { retryAfterMs, paced: result.paced === true });
        return;
      }
      case 'permanent':
      case 'revoked':
        await this.#o.queue.fail(task.id, result.message, Date.now(), { permanent: true });
        return;
      case 'transient':
        await this.#o.queue.fail(task.id, result.message, Date.now(), {});
        return;
    }
  }

  #settle(promise: Promise<unknown>): void {
    promise.then(() => this.kick(), (err: unknown) => this.#o.logger.error({ err }, 'could not record a task outcome'));
  }

  /**
   * An account that runs again gets its held tasks; a revoked one fails
   * them; one whose session left this supervisor (moved elsewhere, or
   * unlinked) has them handed to wherever it runs next, or failed after
   * the grace if it runs nowhere.
   */
  readonly #onSession = (session: { actorId: string; state: string }): void => {
    if (!this.#held.has(session.actorId)) return;
    if (RUNNING.has(session.state)) {
      for (const task of this.#held.release(session.actorId)) this.#route(task);
    } else if (session.state === 'revoked') {
      this.#held.failAll(session.actorId, `sending account ${session.actorId} is revoked`);
    } else if (this.#o.supervisor.sessions.get(session.actorId) === undefined) {
      this.#held.forgotten(session.actorId);
    }
  };
}
