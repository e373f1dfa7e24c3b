/**
 * Redis keys of the forwarding scheduler's durable store, one set per owner
 * (the supervisor that holds the shard). Relative like `src/cluster/redis-keys.ts`:
 * ioredis puts the client's `keyPrefix` in front, and scripts get them through KEYS.
 */
export const schedulerKeys = {
  /** Pending tasks of one owner: hash { taskId: the task without seq, a JSON array (see task-codec.ts) }. */
  tasks: (owner: string) => `scheduler:${owner}:tasks`,
  /** Order of the pending tasks: sorted set { taskId: seq }. */
  order: (owner: string) => `scheduler:${owner}:order`,
  /** Highest seq ever given out for this owner: only goes up, survives restarts and acks. */
  seq: (owner: string) => `scheduler:${owner}:seq`,
  /** Dead letters of one owner: hash { taskId: JSON { task, error, reason, deadAt } }. */
  dead: (owner: string) => `scheduler:${owner}:dead`,
  /** Dead letters by time of death: sorted set { taskId: deadAt ms }. */
  deadOrder: (owner: string) => `scheduler:${owner}:dead-order`,
  /**
   * Pending tasks per pair: hash { pairId: count }. Another supervisor reads
   * it to hold back those pairs until these tasks are done or claimed, so a
   * pair whose source moved keeps its order (see `foreign-pairs.ts`).
   */
  pairs: (owner: string) => `scheduler:${owner}:pairs`,
  /**
   * Supervisors with a shard: set of owner ids, joined when one restores its
   * shard (before it accepts a task), left when a claim has emptied it. Lets
   * a supervisor about to start an actor find the other shards without a
   * SCAN of the keyspace; shards of versions before it are found by the SCAN.
   */
  owners: () => 'scheduler:owners',
  /**
   * Tasks other owners handed to this one (their sending account runs here)
   * and this one has not loaded into memory yet: list of task ids, each
   * already pending in this shard. With a pub/sub channel of the same name
   * (prefixed like the keys) to wake the receiver.
   */
  inbox: (owner: string) => `scheduler:${owner}:inbox`,
  /** Claim in progress on a dead owner's tasks: string = claiming owner, expires. */
  claim: (owner: string) => `scheduler:${owner}:claim`,
} as const;

/** The six keys of one owner the write scripts take, in their KEYS order. */
export type OwnerKeys = readonly [tasks: string, order: string, seq: string, dead: string, deadOrder: string, pairs: string];

export function ownerKeys(owner: string): OwnerKeys {
  const k = schedulerKeys;
  return [k.tasks(owner), k.order(owner), k.seq(owner), k.dead(owner), k.deadOrder(owner), k.pairs(owner)];
}
