/**
 * Per-period counters in Redis. Counting there rather than in PostgreSQL
 * keeps the hot path to one round trip (an `UPDATE usage_periods` per API
 * call would serialise every request of a user on one row); the flush job
 * copies the counters into `usage_periods`, so a lost Redis loses at most one
 * flush interval, and readers take the larger of the two.
 */
import type { Redis } from 'ioredis';
import { scanKeys } from '../../cluster/scan-keys.ts';
import { parseUsageCounterKey, usageCounterKey, type UsageCounter } from './usage-period.ts';

/** Counters outlive their month by this long, so a late flush still finds them. */
export const COUNTER_TTL_SECONDS = 62 * 24 * 3600;

export type PeriodCounters = Record<UsageCounter, number>;

export const ZERO_COUNTERS: Readonly<PeriodCounters> = Object.freeze({ messages: 0, api_calls: 0, commands: 0 });

/** Adds one API call and returns the period's count including it. */
export function countApiCall(redis: Redis, userId: string, label: string): Promise<number> {
  return countUsage(redis, 'api_calls', userId, label);
}

/** Adds one to a user's `counter` of period `label` and returns the count including it. */
export async function countUsage(redis: Redis, counter: UsageCounter, userId: string, label: string): Promise<number> {
  return (await countUsageMany(redis, counter, new Map([[userId, 1]]), label)).get(userId)!;
}

/**
 * Adds `counts` (user id to amount) to the users' `counter` of period `label`
 * in one transaction, and returns each user's count including it.
 */
export async function countUsageMany(redis: Redis, counter: UsageCounter, counts: ReadonlyMap<string, number>, label: string): Promise<Map<string, number>> {
  const multi = redis.multi();
  for (const [userId, n] of counts) {
    const key = usageCounterKey(counter, userId, label);
    multi.incrby(key, n).expire(key, COUNTER_TTL_SECONDS, 'NX');
  }
  const results = (await multi.exec()) ?? [];
  const used = new Map<string, number>();
  [...counts.keys()].forEach((userId, i) => {
    const [error, value] = results[2 * i] ?? [new Error('INCRBY returned nothing'), null];
    if (error) throw error;
    used.set(userId, Number(value));
  });
  return used;
}

/** One user's counters of one period (0 for counters never written). */
export async function readCounters(redis: Redis, userId: string, label: string): Promise<PeriodCounters> {
  const [messages, apiCalls, commands] = await redis.mget(
    usageCounterKey('messages', userId, label),
    usageCounterKey('api_calls', userId, label),
    usageCounterKey('commands', userId, label),
  );
  return { messages: Number(messages ?? 0), api_calls: Number(apiCalls ?? 0), commands: Number(commands ?? 0) };
}

/** Every user's counters of one period, found with SCAN; `keyPrefix` is the client's. */
export async function scanCounters(redis: Redis, keyPrefix: string, label: string): Promise<Map<string, PeriodCounters>> {
  const found = new Map<string, PeriodCounters>();
  for await (const relative of scanKeys(redis, keyPrefix, `usage:*:${label}`)) {
    const parsed = relative.map(parseUsageCounterKey);
    const wanted = relative.filter((_k, i) => parsed[i] !== null);
    if (wanted.length === 0) continue;
    const values = await redis.mget(wanted);
    let v = 0;
    for (const p of parsed) {
      if (p === null) continue;
      const counters = found.get(p.userId) ?? { ...ZERO_COUNTERS };
      counters[p.counter] = Number(values[v] ?? 0);
      v += 1;
      found.set(p.userId, counters);
    }
  }
  return found;
}

/** Counter by counter, the larger of two readings (Redis, and what was flushed to PostgreSQL). */
export function maxCounters(a: PeriodCounters, b: PeriodCounters): PeriodCounters {
  return {
    messages: Math.max(a.messages, b.messages),
    api_calls: Math.max(a.api_calls, b.api_calls),
    commands: Math.max(a.commands, b.commands),
  };
}
