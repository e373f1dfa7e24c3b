/**
 * This supervisor's membership of the cluster: it heartbeats its entry (id
 * and capacity) and reads every live member once a second, so each
 * supervisor's view of who is live agrees with the others' within about a
 * second. Ownership of an account follows from the view alone
 * (`src/cluster/ownership/rendezvous.ts`); a change of view is announced so
 * the runtime sync hands over what moved.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { heartbeat, leave, readMembers } from '../src/cluster/ownership/member-registry.ts';
import { membershipView, sameView } from '../src/cluster/ownership/membership-view.ts';
import { ownerOf, type Member } from '../src/cluster/ownership/rendezvous.ts';
import { OutageLog } from '../src/infra/outage-log.ts';
import { checkOptionsObject, checkPositiveInteger, failOption } from '../src/options/option-checks.ts';
import { redisUptimeMs } from '../src/infra/redis-uptime.ts';
import { every } from './periodic.ts';

/** The longest ioredis waits between two reconnects (its default retry strategy). */
const REDIS_RECONNECT_MS = 2_000;

export interface MembershipOptions {
  /** ms between two heartbeats (each also reads the members). Default 1,000. */
  intervalMs?: number;
  /**
   * ms an entry outlives its last heartbeat: how long a killed supervisor
   * still counts as live. The runtime sets it to the lease TTL plus one
   * interval, so its accounts move just after their leases lapse, not
   * earlier (they would wait behind the leases) nor much later. Default 10,000.
   */
  ttlMs?: number;
}

export class Membership extends EventEmitter<{ change: [members: readonly Member[]] }> {
  readonly self: Member;
  readonly #redis: Redis;
  readonly #o: Required<MembershipOptions>;
  readonly #outage: OutageLog;
  readonly #log: Logger;
  #view: Member[];
  /** Owners decided in the current view (reconciles ask for every account each time); emptied when the view changes. */
  readonly #owners = new Map<string, string>();
  #timer: NodeJS.Timeout | null = null;
  #tick: Promise<void> = Promise.resolve();
  #stopped = false;
  /** When the last round reached Redis, and until when members missing from a read are kept (see `#round`). */
  #lastRoundAt = Date.now();
  #keepUntil = 0;

  constructor(redis: Redis, self: Member, logger: Logger, options: MembershipOptions = {}) {
    super();
    const o = checkOptionsObject(options) as MembershipOptions;
    this.#o = {
      intervalMs: checkPositiveInteger('intervalMs', o.intervalMs ?? 1_000),
      ttlMs: checkPositiveInteger('ttlMs', o.ttlMs ?? 10_000),
    };
    if (this.#o.intervalMs >= this.#o.ttlMs) failOption('intervalMs', 'must be less than options.ttlMs');
    this.#redis = redis;
    this.self = { ...self };
    this.#log = logger.child({ component: 'membership' });
    this.#outage = new OutageLog({ logger: this.#log, what: 'Redis (cluster membership)' });
    this.#view = [this.self];
  }

  /** The live members as this supervisor last saw them, itself included, sorted by id. */
  members(): readonly Member[] {
    return this.#view;
  }

  /** The supervisor that owns `key` in the current view. */
  ownerOf(key: string): string {
    let owner = this.#owners.get(key);
    if (owner === undefined) {
      owner = ownerOf(key, this.#view) ?? this.self.id;
      this.#owners.set(key, owner);
    }
    return owner;
  }

  owns(key: string): boolean {
    return this.ownerOf(key) === this.self.id;
  }

  /**
   * Heartbeats and reads the members once (so the first view is the
   * cluster's), then every interval. On a Redis up for less than an entry's
   * TTL (just restarted, as a supervisor waiting for it at start meets), the
   * other live members' entries may have gone with the restart until they
   * heartbeat again: deciding from a view of this supervisor alone would
   * take their accounts and hand them back a moment later, so the first view
   * waits for their reconnect (ioredis retries every 2 s at most) and a few
   * intervals, or the TTL if shorter.
   */
  async start(): Promise<void> {
    await this.#round();
    this.#timer = every(this.#o.intervalMs, () => (this.#tick = this.#round()), () => this.#stopped, (err) => this.#outage.failed(err));
    const settleMs = Math.min(this.#o.ttlMs, this.#o.intervalMs * 3 + REDIS_RECONNECT_MS) - await redisUptimeMs(this.#redis);
    if (settleMs <= 0) return;
    this.#log.info({ settleMs }, 'Redis has just started: waiting for the other members to heartbeat again before the first view');
    await sleep(settleMs);
    await this.#tick.catch(() => {});
  }

  /** Leaves the cluster at once: the others take this supervisor's accounts on their next read. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#tick.catch(() => {});
    await leave(this.#redis, this.self.id).catch((err: unknown) => this.#log.warn({ err }, 'could not leave the cluster; the entry expires instead'));
  }

  async #round(): Promise<void> {
    await heartbeat(this.#redis, this.self, this.#o.ttlMs);
    const read = await readMembers(this.#redis);
    this.#outage.recovered();
    if (this.#stopped) return;
    // Back from a Redis outage long enough for entries to expire (a restart, a stall), the others' are gone
    // until each heartbeats again: read now, this supervisor would take their accounts and hand them back a
    // second later. For one TTL the members it saw before stay in, as a killed one's entry would have.
    const now = Date.now();
    if (now - this.#lastRoundAt >= this.#o.ttlMs - this.#o.intervalMs) this.#keepUntil = now + this.#o.ttlMs;
    this.#lastRoundAt = now;
    const next = membershipView(now < this.#keepUntil ? [...this.#view, ...read] : read, this.self);
    if (sameView(next, this.#view)) return;
    this.#log.info({ from: this.#view, to: next }, 'cluster members changed');
    this.#view = next;
    this.#owners.clear();
    this.emit('change', next);
  }
}
