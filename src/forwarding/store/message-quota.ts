/**
 * Messages forwarded per user and usage period, counted where they happen
 * (the runtime) in the Redis counter the API reports (`usage:messages:…`,
 * see src/api/usage/usage-period.ts), and the plan's monthly allowance
 * enforced from it. The count is read back from each increment, so checking
 * costs nothing per message; a user's first messages after a restart pass
 * until their first delivery reads the stored count, a bounded overshoot
 * chosen over a Redis read in every message's path. Messages delivered
 * within a few ms are counted in one transaction, one INCRBY per user.
 */
import type { Redis } from 'ioredis';
import { countUsageMany } from '../../api/usage/usage-counters.ts';
import { usagePeriodAt } from '../../api/usage/usage-period.ts';
import { WriteBatcher } from '../../scheduler/store/write-batcher.ts';

interface Count {
  userId: string;
  label: string;
}

export class MessageQuota {
  readonly #redis: Redis;
  readonly #now: () => Date;
  #label: string;
  readonly #used = new Map<string, number>();
  readonly #counts = new WriteBatcher<Count>({ write: (counts) => this.#write(counts), lingerMs: 5, maxInFlight: 1 });

  /** `now`: clock. Default `new Date()`. */
  constructor(redis: Redis, now: () => Date = () => new Date()) {
    this.#redis = redis;
    this.#now = now;
    this.#label = usagePeriodAt(now()).label;
  }

  /** Whether `userId` used the whole allowance (`null`: unlimited) of the current period. */
  exhausted(userId: string, limit: number | null): boolean {
    if (limit === null) return false;
    this.#roll();
    return (this.#used.get(userId) ?? 0) >= limit;
  }

  /** Counts one delivered message; resolves once Redis has it. */
  count(userId: string): Promise<void> {
    this.#roll();
    return this.#counts.push({ userId, label: this.#label });
  }

  /** Resolves once every count made so far is in Redis (a stopping runtime waits for it). */
  flush(): Promise<void> {
    return this.#counts.flush();
  }

  async #write(counts: Count[]): Promise<void> {
    const byLabel = new Map<string, Map<string, number>>();
    for (const { userId, label } of counts) {
      const users = byLabel.get(label) ?? new Map<string, number>();
      users.set(userId, (users.get(userId) ?? 0) + 1);
      byLabel.set(label, users);
    }
    for (const [label, users] of byLabel) {
      const used = await countUsageMany(this.#redis, 'messages', users, label);
      if (label === this.#label) for (const [userId, n] of used) this.#used.set(userId, n);
    }
  }

  #roll(): void {
    const label = usagePeriodAt(this.#now()).label;
    if (label === this.#label) return;
    this.#label = label;
    this.#used.clear();
  }
}
