/**
 * Deletes every key under a prefix with SCAN (never KEYS, which blocks the
 * server): how a test run or benchmark removes its namespace afterwards.
 * `redis` must have no keyPrefix of its own: the pattern is absolute.
 */
import type { Redis } from 'ioredis';
import { scanKeys } from './scan-keys.ts';

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const found of scanKeys(redis, '', `${prefix}*`)) deleted += await redis.del(...found);
  return deleted;
}
