/**
 * Which pairs other supervisors' shards still hold pending tasks of. A
 * pair's source can move to this supervisor (a standby taking over, a
 * restart under a new id) while the earlier tasks it accepted wait in the
 * old owner's shard, for that owner or for whoever claims the shard once it
 * is dead. Tasks this supervisor accepts for such a pair meanwhile must not
 * run before them, so the queue holds those pairs until no other shard has
 * any (see `PriorityScheduler.holdPairs`).
 */
import type { Redis } from 'ioredis';
import { schedulerKeys } from './scheduler-keys.ts';

/** Pairs with pending tasks in the shards of `owners`; an owner without pending tasks adds none, whatever its counts say. */
export async function pairsPendingIn(redis: Redis, owners: Iterable<string>): Promise<Set<string>> {
  const list = [...owners];
  const out = new Set<string>();
  if (list.length === 0) return out;
  const pipeline = redis.pipeline();
  for (const owner of list) pipeline.zcard(schedulerKeys.order(owner)).hkeys(schedulerKeys.pairs(owner));
  const replies = (await pipeline.exec()) ?? [];
  for (let i = 0; i < replies.length; i += 2) {
    const [countError, count] = replies[i]!;
    const [pairsError, pairs] = replies[i + 1]!;
    if (countError) throw countError;
    if (pairsError) throw pairsError;
    if (Number(count) > 0) for (const pairId of pairs as string[]) out.add(pairId);
  }
  return out;
}
