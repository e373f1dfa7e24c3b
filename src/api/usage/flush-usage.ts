/**
 * Copies the period counters from Redis into `usage_periods`, so the figures
 * survive a lost Redis and reports can join them. Values only ever go up
 * (`greatest`), so two flushes racing, or a flush after Redis lost its keys,
 * can never lower a stored figure. Users who no longer exist are skipped.
 */
import { sqlOn } from '../../db/raw-sql.ts';
import type { ApiContext } from '../api-context.ts';
import { scanCounters } from './usage-counters.ts';
import { previousUsagePeriod, usagePeriodAt, type UsagePeriodBounds } from './usage-period.ts';

export interface FlushResult {
  /** Rows written, over both periods flushed. */
  rows: number;
}

async function flushPeriod(ctx: ApiContext, period: UsagePeriodBounds): Promise<number> {
  const counters = await scanCounters(ctx.redis, ctx.config.REDIS_KEY_PREFIX, period.label);
  if (counters.size === 0) return 0;
  const records = [...counters].map(([userId, c]) => ({ user_id: userId, m: c.messages, a: c.api_calls, c: c.commands }));
  const sql = sqlOn(ctx.orm, ctx.config.DATABASE_SCHEMA);
  const table = sql.table('usage_periods');
  const rows = await sql.all<{ id: string }>(
    `insert into ${table} as up (user_id, period_start, period_end, messages_forwarded, api_calls, commands)
     select v.user_id, ?::timestamptz, ?::timestamptz, v.m, v.a, v.c
       from jsonb_to_recordset(?::jsonb) as v(user_id uuid, m bigint, a bigint, c bigint)
       join ${sql.table('users')} u on u.id = v.user_id
     on conflict (user_id, period_start) do update set
       messages_forwarded = greatest(up.messages_forwarded, excluded.messages_forwarded),
       api_calls = greatest(up.api_calls, excluded.api_calls),
       commands = greatest(up.commands, excluded.commands),
       updated_at = now()
     returning up.id`,
    [period.start.toISOString(), period.end.toISOString(), JSON.stringify(records)],
  );
  return rows.length;
}

/** Flushes this period and the previous one (whose last minutes may not have been flushed yet). */
export async function flushUsage(ctx: ApiContext, now: Date): Promise<FlushResult> {
  const current = usagePeriodAt(now);
  const rows = (await flushPeriod(ctx, previousUsagePeriod(current))) + (await flushPeriod(ctx, current));
  return { rows };
}
