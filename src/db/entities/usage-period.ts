/**
 * `usage_periods`: per-user counters for one billing period, compared with
 * the plan's per-period limits. Counters are `bigint` columns read as JS
 * numbers: exact up to 2^53, far beyond any period's traffic.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { createdAt, updatedAt, uuidPrimaryKey } from './common-properties.ts';
import { User } from './user.ts';

function counter() {
  return p.bigint('number').defaultRaw('0');
}

export const UsagePeriod = defineEntity({
  name: 'UsagePeriod',
  tableName: 'usage_periods',
  properties: {
    id: uuidPrimaryKey(),
    user: () => p.manyToOne(User).ref().deleteRule('cascade'),
    periodStart: p.datetime(),
    periodEnd: p.datetime(),
    /** Default 0. */
    messagesForwarded: counter(),
    /** Default 0. */
    apiCalls: counter(),
    /** Default 0. */
    commands: counter(),
    /** Memory held by the user's actors, integrated over time. Default 0. */
    memoryMbSeconds: counter(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: 'usage_periods_user_id_period_start_unique', properties: ['user', 'periodStart'] }],
});

export type IUsagePeriod = InferEntity<typeof UsagePeriod>;
