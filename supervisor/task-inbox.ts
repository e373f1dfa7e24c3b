/**
 * Tasks other supervisors hand to this one (their sending accounts run
 * here; see the dispatcher), taken from this shard's inbox into memory.
 * The sender publishes on the receiver's inbox channel once Redis holds the
 * task; the receiver also looks every `pollMs`, so a notice lost with a
 * dropped subscriber connection delays a task, never strands it. Nothing is
 * lost either way: a handed-over task is pending in this shard from the
 * moment it is handed over, and a restore loads it with the rest.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DurableScheduler } from '../src/scheduler/durable-scheduler.ts';
import { schedulerKeys } from '../src/scheduler/store/scheduler-keys.ts';

/** The pub/sub channel waking `owner` for its inbox; prefixed like the keys (ioredis prefixes keys only). */
export function inboxChannel(redis: Redis, owner: string): string {
  return `${redis.options.keyPrefix ?? ''}${schedulerKeys.inbox(owner)}`;
}

export interface TaskInboxDeps {
  redis: Redis;
  scheduler: DurableScheduler;
  owner: string;
  /** Wakes the dispatcher once tasks were taken in. */
  onAdopted: () => void;
  logger: Logger;
  /** How often the inbox is looked at without a notice, ms. */
  pollMs: number;
}

export class TaskInbox {
  readonly #d: TaskInboxDeps;
  #subscriber: Redis | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** The takes under way; settles with whether the last one succeeded. */
  #running: Promise<boolean> = Promise.resolve(true);
  #again = false;
  #busy = false;
  #stopped = false;
  /** Tasks taken in since start. */
  adopted = 0;

  constructor(deps: TaskInboxDeps) {
    this.#d = deps;
  }

  async start(): Promise<void> {
    this.#subscriber = this.#d.redis.duplicate();
    this.#subscriber.on('message', () => void this.take());
    this.#subscriber.on('error', (err) => this.#d.logger.warn({ err }, 'task inbox channel error'));
    await this.#subscriber.subscribe(inboxChannel(this.#d.redis, this.#d.owner));
    this.#timer = setInterval(() => void this.take(), this.#d.pollMs);
    this.#timer.unref();
    // What came before the subscription (a restore loaded those tasks; they are skipped, and the inbox emptied).
    void this.take();
  }

  /** Tells `owner` its inbox has tasks. */
  static notify(redis: Redis, owner: string): Promise<number> {
    return redis.publish(inboxChannel(redis, owner), '1');
  }

  /**
   * Takes the inbox in now, or right after the take under way; never two at
   * once. Resolves once a take begun after this call is over: true when it
   * succeeded, so everything handed over before the call is in memory.
   */
  take(): Promise<boolean> {
    if (this.#stopped) return Promise.resolve(false);
    if (this.#busy) {
      this.#again = true;
      return this.#running;
    }
    this.#busy = true;
    this.#running = (async () => {
      let ok: boolean;
      do {
        this.#again = false;
        ok = await this.#adopt();
      } while (this.#again && !this.#stopped);
      this.#busy = false;
      return ok;
    })();
    return this.#running;
  }

  async #adopt(): Promise<boolean> {
    try {
      const n = await this.#d.scheduler.adoptInbox(Date.now());
      if (n > 0) {
        this.adopted += n;
        this.#d.onAdopted();
      }
      return true;
    } catch (err) {
      this.#d.logger.warn({ err }, 'could not take in the tasks other supervisors handed over');
      return false;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#running;
    this.#subscriber?.disconnect();
  }
}
