/**
 * Which supervisors have a scheduler shard in Redis: pending tasks or dead
 * letters under `scheduler:<owner>:…`. A supervisor's id changes when its
 * process does (`hostname-pid` unless SUPERVISOR_ID is set), so the shard of
 * one that crashed or was restarted has nobody to load it until another
 * supervisor claims it; this finds them.
 */
import type { Redis } from 'ioredis';

const SHARD_KEY = /^scheduler:([A-Za-z0-9_.-]{1,64}):(order|dead)$/;

/**
 * Owners with pending tasks or dead letters. ioredis does not prefix SCAN
 * patterns and returns full names, so `keyPrefix` (the client's) is added to
 * the pattern and taken off the keys here.
 */
export async function shardOwners(redis: Redis, keyPrefix: string): Promise<Set<string>> {
  const owners = new Set<string>();
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${keyPrefix}scheduler:*`, 'COUNT', 1_000);
    cursor = next;
    for (const key of found) {
      const owner = SHARD_KEY.exec(key.slice(keyPrefix.length))?.[1];
      if (owner !== undefined) owners.add(owner);
    }
  } while (cursor !== '0');
  return owners;
}
