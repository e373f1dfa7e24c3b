/**
 * Which supervisors have a scheduler shard in Redis: pending tasks or dead
 * letters under `scheduler:<owner>:…`. A supervisor's id changes when its
 * process does (`hostname-pid` unless SUPERVISOR_ID is set), so the shard of
 * one that crashed or was restarted has nobody to load it until another
 * supervisor claims it; this finds them.
 */
import type { Redis } from 'ioredis';
import { scanKeys } from '../../cluster/scan-keys.ts';
import { schedulerKeys } from './scheduler-keys.ts';

const SHARD_KEY = /^scheduler:([A-Za-z0-9_.-]{1,64}):(order|dead)$/;

/** Owners with pending tasks or dead letters; `keyPrefix` is the client's. */
export async function shardOwners(redis: Redis, keyPrefix: string): Promise<Set<string>> {
  const owners = new Set<string>();
  for await (const keys of scanKeys(redis, keyPrefix, 'scheduler:*')) {
    for (const key of keys) {
      const owner = SHARD_KEY.exec(key)?.[1];
      if (owner !== undefined) owners.add(owner);
    }
  }
  return owners;
}

/** Owners that entered the set of owners (cheap: no SCAN); shards of versions before the set are not in it. */
export async function registeredOwners(redis: Redis): Promise<Set<string>> {
  return new Set(await redis.smembers(schedulerKeys.owners()));
}
