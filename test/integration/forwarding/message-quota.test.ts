import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { usageCounterKey, usagePeriodAt } from '../../../src/api/usage/usage-period.ts';
import { MessageQuota } from '../../../src/forwarding/store/message-quota.ts';
import { TEST_REDIS_PREFIX, TEST_REDIS_URL } from '../../helpers/namespace.ts';

describe('the monthly message allowance at runtime (Redis)', () => {
  let redis: Redis;
  let transactions = 0;
  before(() => {
    redis = new Redis(TEST_REDIS_URL, { keyPrefix: `${TEST_REDIS_PREFIX}quota:` });
    const multi = redis.multi.bind(redis);
    redis.multi = ((...args: Parameters<Redis['multi']>) => {
      transactions += 1;
      return multi(...args);
    }) as Redis['multi'];
  });
  after(() => redis.disconnect());

  it('counts the messages of one turn in one transaction, one INCRBY per user, and reads the allowance back', async () => {
    const now = new Date('2026-11-23T10:00:00Z');
    const quota = new MessageQuota(redis, () => now);
    transactions = 0;
    await Promise.all([quota.count('u1'), quota.count('u1'), quota.count('u2'), quota.count('u1')]);
    assert.equal(transactions, 1);
    const label = usagePeriodAt(now).label;
    assert.equal(await redis.get(usageCounterKey('messages', 'u1', label)), '3');
    assert.equal(await redis.get(usageCounterKey('messages', 'u2', label)), '1');
    assert.equal(quota.exhausted('u1', 3), true);
    assert.equal(quota.exhausted('u2', 3), false);
    assert.equal(quota.exhausted('u1', null), false);
    await quota.count('u2');
    await quota.count('u2');
    assert.equal(quota.exhausted('u2', 3), true);
  });

  it('starts a new period from zero', async () => {
    let now = new Date('2026-01-31T23:59:59Z');
    const quota = new MessageQuota(redis, () => now);
    await quota.count('u3');
    assert.equal(quota.exhausted('u3', 1), true);
    now = new Date('2026-02-01T00:00:01Z');
    assert.equal(quota.exhausted('u3', 1), false);
    await quota.count('u3');
    assert.equal(await redis.get(usageCounterKey('messages', 'u3', usagePeriodAt(now).label)), '1');
  });
});
