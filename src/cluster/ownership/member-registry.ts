/**
 * Where supervisors announce themselves as members of the cluster, with
 * their capacity: one key per member expiring `ttlMs` after its last
 * heartbeat, and a sorted set to list them (as status snapshots are kept).
 * A member stopping cleanly deletes its key, so it leaves at once; a killed
 * one leaves when its key expires.
 */
import type { Redis } from 'ioredis';
import { keys } from '../redis-keys.ts';
import { parseMemberEntry } from './membership-view.ts';
import type { Member } from './rendezvous.ts';

/** Writes (or refreshes) `member`'s entry for `ttlMs`. */
export async function heartbeat(redis: Redis, member: Member, ttlMs: number): Promise<void> {
  const results = await redis
    .multi()
    .set(keys.member(member.id), JSON.stringify({ weight: member.weight }), 'PX', ttlMs)
    .zadd(keys.members(), Date.now(), member.id)
    .exec();
  const failed = results?.find(([error]) => error !== null);
  if (failed) throw failed[0];
}

/** Removes `memberId` at once (a clean stop). */
export async function leave(redis: Redis, memberId: string): Promise<void> {
  await redis.multi().del(keys.member(memberId)).zrem(keys.members(), memberId).exec();
}

/**
 * Every member whose entry has not expired (null for an entry that does not
 * parse). Ids whose entry expired are pruned from the set on the way.
 */
export async function readMembers(redis: Redis): Promise<Array<Member | null>> {
  const ids = await redis.zrange(keys.members(), 0, -1);
  if (ids.length === 0) return [];
  const values = await redis.mget(ids.map((id) => keys.member(id)));
  const gone = ids.filter((_, i) => values[i] === null || values[i] === undefined);
  // A member heartbeating between the MGET and this ZREM is re-added by its next heartbeat (a second).
  if (gone.length > 0) await redis.zrem(keys.members(), ...gone);
  return ids.flatMap((id, i) => (gone.includes(id) ? [] : [parseMemberEntry(id, values[i])]));
}
