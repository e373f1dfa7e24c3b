/**
 * Keys matching a pattern, page by page, with SCAN (never KEYS, which blocks
 * the server). ioredis does not put a client's keyPrefix in front of SCAN
 * patterns and returns full key names, so `keyPrefix` (the client's, or ''
 * for an absolute pattern) is added to the pattern and taken off the keys.
 */
import type { Redis } from 'ioredis';

export async function* scanKeys(redis: Redis, keyPrefix: string, pattern: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${keyPrefix}${pattern}`, 'COUNT', 1_000);
    cursor = next;
    if (found.length > 0) yield found.map((key) => key.slice(keyPrefix.length));
  } while (cursor !== '0');
}
