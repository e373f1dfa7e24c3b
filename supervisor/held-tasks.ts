/**
 * Tasks the dispatcher took for sending accounts that do not run here now,
 * by account. They stay in flight (pending in Redis, counted against the
 * account's in-flight bound, so at most that many wait per account) until
 * the account runs here again (the dispatcher sends them), runs on another
 * live supervisor (they are handed over there, oldest first), or is gone
 * for good: revoked, or known here by no session and found nowhere else
 * for `graceMs` (after a restart the queue is restored before the sessions
 * are added again, and a session moving between supervisors is in neither
 * for a moment).
 */
import type { Logger } from 'pino';
import type { ScheduledTask } from '../src/scheduler/core/task.ts';
import type { AccountLocator } from './dispatch-hooks.ts';

export interface HeldTasksDeps {
  /** Where else the account runs now. */
  locate: AccountLocator;
  /** Whether the account's actor runs here now (then its tasks are not handed over). */
  runsHere: (accountId: string) => boolean;
  /** Whether this supervisor has a session of the account, in any state. */
  knows: (accountId: string) => boolean;
  /** Hands one task to `owner` (in the order called). */
  handOver: (task: ScheduledTask, owner: string) => void;
  /** Fails one task for good. */
  fail: (task: ScheduledTask, reason: string) => void;
  /** How long an account no session here knows may be found nowhere before its tasks fail, ms. */
  graceMs: number;
  /** How often accounts with held tasks are looked for elsewhere, ms. */
  locateEveryMs: number;
  logger: Logger;
}

export class HeldTasks {
  readonly #d: HeldTasksDeps;
  readonly #held = new Map<string, ScheduledTask[]>();
  /** Timers failing the tasks of accounts known here by no session when their grace ends. */
  readonly #graceTimers = new Map<string, NodeJS.Timeout>();
  /** Accounts being looked for elsewhere now. */
  readonly #seeking = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #stopped = true;

  constructor(deps: HeldTasksDeps) {
    this.#d = deps;
  }

  start(): void {
    this.#stopped = false;
    // Held tasks' accounts may start running elsewhere at any time (a lease taken after a move or a failover).
    this.#timer = setInterval(() => {
      for (const accountId of this.#held.keys()) this.#seek(accountId);
    }, this.#d.locateEveryMs);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    for (const timer of this.#graceTimers.values()) clearTimeout(timer);
    this.#graceTimers.clear();
  }

  get size(): number {
    let n = 0;
    for (const tasks of this.#held.values()) n += tasks.length;
    return n;
  }

  has(accountId: string): boolean {
    return this.#held.has(accountId);
  }

  /** Holds `task` behind the account's other held tasks, and looks for the account elsewhere. */
  hold(task: ScheduledTask): void {
    const accountId = task.sendingAccountId;
    const held = this.#held.get(accountId) ?? [];
    held.push(task);
    this.#held.set(accountId, held);
    if (!this.#d.knows(accountId)) this.#startGrace(accountId);
    if (held.length === 1) this.#seek(accountId);
  }

  /** The account's held tasks, oldest first, no longer held (it runs here again). */
  release(accountId: string): ScheduledTask[] {
    const tasks = this.#held.get(accountId) ?? [];
    this.#held.delete(accountId);
    this.#clearGrace(accountId);
    return tasks;
  }

  /** No session here knows the account any more (it moved, or its owner unlinked it): found elsewhere, or failed after the grace. */
  forgotten(accountId: string): void {
    if (!this.#held.has(accountId)) return;
    this.#startGrace(accountId);
    this.#seek(accountId);
  }

  /** Fails every task held for the account (revoked). */
  failAll(accountId: string, reason: string): void {
    for (const task of this.release(accountId)) this.#d.fail(task, reason);
  }

  /** Looks for the supervisor running the account instead of this one; its held tasks go there, oldest first. */
  #seek(accountId: string): void {
    if (this.#stopped || this.#seeking.has(accountId)) return;
    this.#seeking.add(accountId);
    void this.#d.locate(accountId)
      .then((owner) => {
        // Nowhere, or it started here meanwhile (the session event sends them).
        if (owner === null || this.#stopped || this.#d.runsHere(accountId)) return;
        for (const task of this.release(accountId)) this.#d.handOver(task, owner);
      })
      .catch((err: unknown) => this.#d.logger.warn({ err, accountId }, 'could not find where an account runs'))
      .finally(() => this.#seeking.delete(accountId));
  }

  #startGrace(accountId: string): void {
    if (this.#graceTimers.has(accountId)) return;
    const timer = setTimeout(() => {
      this.#graceTimers.delete(accountId);
      if (this.#stopped || this.#d.knows(accountId)) return;
      this.failAll(accountId, `sending account ${accountId} is not linked`);
    }, this.#d.graceMs);
    timer.unref();
    this.#graceTimers.set(accountId, timer);
  }

  #clearGrace(accountId: string): void {
    const timer = this.#graceTimers.get(accountId);
    if (timer !== undefined) clearTimeout(timer);
    this.#graceTimers.delete(accountId);
  }
}
