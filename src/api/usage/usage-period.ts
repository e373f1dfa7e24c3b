/**
 * The usage period every per-period limit counts in: the calendar month in
 * UTC. One definition, so the API's counters, the runtime's message counter
 * (`usage:messages:{userId}:{YYYY-MM}`) and `usage_periods` rows agree on
 * where a month starts whatever the server's time zone.
 */

/** What a per-period figure counts. `messages` is written by the runtime, `api_calls` by the API. */
export type UsageCounter = 'messages' | 'api_calls' | 'commands';

export const USAGE_COUNTERS: readonly UsageCounter[] = ['messages', 'api_calls', 'commands'];

export interface UsagePeriodBounds {
  /** First instant of the month, UTC. */
  start: Date;
  /** First instant of the next month, UTC (exclusive). */
  end: Date;
  /** `YYYY-MM`, the suffix of the period's Redis counters. */
  label: string;
}

export function usagePeriodAt(now: Date): UsagePeriodBounds {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  return {
    start: new Date(Date.UTC(year, month, 1)),
    end: new Date(Date.UTC(year, month + 1, 1)),
    label: `${year}-${String(month + 1).padStart(2, '0')}`,
  };
}

/** The period before `period`, which a flush right after midnight on the 1st still has to finish. */
export function previousUsagePeriod(period: UsagePeriodBounds): UsagePeriodBounds {
  return usagePeriodAt(new Date(period.start.getTime() - 1));
}

/** Redis key (relative to REDIS_KEY_PREFIX) of one user's counter in one period. */
export function usageCounterKey(counter: UsageCounter, userId: string, label: string): string {
  return `usage:${counter}:${userId}:${label}`;
}

/** Parses a key made by {@link usageCounterKey} (prefix already removed); null for anything else. */
export function parseUsageCounterKey(key: string): { counter: UsageCounter; userId: string; label: string } | null {
  const match = /^usage:(messages|api_calls|commands):([0-9a-f-]{36}):(\d{4}-\d{2})$/.exec(key);
  if (match === null) return null;
  return { counter: match[1] as UsageCounter, userId: match[2] as string, label: match[3] as string };
}
