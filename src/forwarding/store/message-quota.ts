/**
 * Messages forwarded per user and usage period, counted where they happen
 * (the runtime) in the Redis counter the API reports (`usage:messages:…`,
 * see src/api/usage/usage-period.ts), and the plan's monthly allowance
 * enforced from it. The count is read back from each increment, so checking
 * costs nothing per message; a user's first messages after a restart pass
 * until their first delivery reads the stored count, a bounded overshoot
 * chosen over a Redis read in every message's path.
 */
import type { Redis } from 'ioredis';
import { countUsage } from '../../api/usage/usage-counters.ts';
import { usagePeriodAt } from '../../api/usage/usage-period.ts';

export class MessageQuota {
  readonly #redis: Redis;
  readonly #now: () => Date;
  #label: string;
  readonly #used = new Map<string, number>();

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

  /** Counts one delivered message. */
  async count(userId: string): Promise<void> {
    this.#roll();
    const label = this.#label;
    const used = await countUsage(this.#redis, 'messages', userId, label);
    if (label === this.#label) this.#used.set(userId, used);
  }

  #roll(): void {
    const label = usagePeriodAt(this.#now()).label;
    if (label === this.#label) return;
    this.#label = label;
    this.#used.clear();
  }
}
