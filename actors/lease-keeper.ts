/**
 * Keeps the leases of every actor of one thread: ONE `renewMany` call per
 * round for all of them, and a local stop deadline per lease computed as
 * src/cluster/lease-deadline.ts prescribes (monotonic clock read just before
 * the granting request was sent, plus ttl - stopMargin). When a renewal says
 * the lease is gone, or its deadline passes without one (Redis unreachable,
 * the thread starved), the keeper stops tracking it and tells the host, which
 * cuts the actor's connection at once.
 *
 * The supervisor acquires and releases leases; the keeper only renews them
 * under the worker's name, so an actor restarted on another thread of the same
 * worker (after a thread died) keeps its lease and fencing token.
 */
import { performance } from 'node:perf_hooks';
import type { LeaseRef } from '../src/cluster/session-lease.ts';
import { localStopDeadline } from '../src/cluster/session-lease.ts';

export type LeaseLossReason = 'lease_lost' | 'lease_expired';

export interface LeaseKeeperOptions {
  /** Renews many leases in one round trip (`SessionLeases.renewMany`). */
  renewMany(grants: readonly LeaseRef[]): Promise<Map<string, number | null>>;
  /** Owner the leases were acquired for: the worker id. */
  owner: string;
  /** Lease lifetime from each renewal, ms, as SessionLeases grants it; required. */
  ttlMs: number;
  /** How long before expiry the holder stops, ms (see lease-deadline.ts); required. */
  stopMarginMs: number;
  /** Told once per lease that is lost or runs past its deadline; the lease is no longer tracked. */
  onLost(sessionId: string, reason: LeaseLossReason): void;
  /** Monotonic clock, ms. Default: `performance.now`. */
  now?: () => number;
}

interface Held {
  token: number;
  /** Local monotonic ms after which the holder must not keep its connection. */
  deadline: number;
}

interface PendingConfirm {
  sessionId: string;
  token: number;
  resolve(held: boolean): void;
  reject(error: unknown): void;
}

export class LeaseKeeper {
  readonly #o: Required<LeaseKeeperOptions>;
  readonly #held = new Map<string, Held>();
  #pending: PendingConfirm[] = [];
  #flushScheduled = false;

  constructor(options: LeaseKeeperOptions) {
    this.#o = { now: () => performance.now(), ...options };
  }

  get size(): number {
    return this.#held.size;
  }

  /**
   * Confirms, by renewing it, that the lease of `sessionId` with `token` is
   * held by the owner, and starts tracking it. Confirmations made in the same
   * turn of the event loop share one Redis call (a thousand actors starting at
   * once cost one round trip). Resolves false when the lease is not held; a
   * Redis error rejects.
   */
  confirm(sessionId: string, token: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ sessionId, token, resolve, reject });
      if (this.#flushScheduled) return;
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        const batch = this.#pending;
        this.#pending = [];
        this.#confirmBatch(batch).catch((error: unknown) => {
          for (const p of batch) p.reject(error);
        });
      });
    });
  }

  /** True while `sessionId` is tracked and its deadline has not passed. */
  holds(sessionId: string): boolean {
    const held = this.#held.get(sessionId);
    return held !== undefined && this.#o.now() < held.deadline;
  }

  /** Stops tracking (the actor stopped); the lease itself is the supervisor's to release. */
  forget(sessionId: string): void {
    this.#held.delete(sessionId);
  }

  /** Renews every tracked lease in one call; leases found lost are reported. A Redis error leaves deadlines as they were. */
  async renewAll(): Promise<void> {
    if (this.#held.size === 0) return;
    const batch = [...this.#held].map(([sessionId, held]) => ({ sessionId, held }));
    const sentAt = this.#o.now();
    const reply = await this.#o.renewMany(batch.map(({ sessionId, held }) => ({ sessionId, owner: this.#o.owner, token: held.token })));
    for (const { sessionId, held } of batch) {
      // Forgotten or re-confirmed while the call was in flight: that newer fact wins.
      if (this.#held.get(sessionId) !== held) continue;
      if (reply.get(sessionId) == null) {
        this.#held.delete(sessionId);
        this.#o.onLost(sessionId, 'lease_lost');
      } else {
        held.deadline = localStopDeadline(sentAt, this.#o.ttlMs, this.#o.stopMarginMs);
      }
    }
  }

  /** Reports (and stops tracking) every lease whose deadline has passed. Call right before anything that extends a connection. */
  checkDeadlines(): void {
    const now = this.#o.now();
    for (const [sessionId, held] of this.#held) {
      if (now < held.deadline) continue;
      this.#held.delete(sessionId);
      this.#o.onLost(sessionId, 'lease_expired');
    }
  }

  async #confirmBatch(batch: PendingConfirm[]): Promise<void> {
    const sentAt = this.#o.now();
    const reply = await this.#o.renewMany(batch.map((p) => ({ sessionId: p.sessionId, owner: this.#o.owner, token: p.token })));
    const deadline = localStopDeadline(sentAt, this.#o.ttlMs, this.#o.stopMarginMs);
    for (const p of batch) {
      const ok = reply.get(p.sessionId) != null;
      if (ok) this.#held.set(p.sessionId, { token: p.token, deadline });
      p.resolve(ok);
    }
  }
}
