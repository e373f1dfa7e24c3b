/**
 * Deletes every key under a prefix with SCAN (never KEYS, which blocks the
 * server): how a test run or benchmark removes its namespace afterwards.
 * `redis` must have no keyPrefix of its own: the pattern is absolute.
 */
import type { Redis } from 'ioredis';

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) deleted += await redis.del(...found);
  } while (cursor !== '0');
  return deleted;
}
