/**
 * Session leases: at most one live copy of a session across the cluster.
 *
 * A Telegram session run in two places at once is destroyed by Telegram
 * (AUTH_KEY_DUPLICATED), so an actor may connect only while it holds the
 * session's lease. Each transition is one Lua script (see `lua/lease-*.lua`),
 * timed by the Redis server clock; a holder enforces its own stop deadline
 * from its local monotonic clock as `lease-deadline.ts` explains. Every grant
 * carries a fencing token that only ever rises, so anything a stale holder
 * sends after losing the lease can be told apart and refused.
 *
 * All keys of one call live in one Redis; this is not meant for Redis Cluster.
 */
import type { Redis } from 'ioredis';
import { luaCommands, runBatched } from './lua-commands.ts';
import type { LuaCommands } from './lua-commands.ts';
import { keys } from './redis-keys.ts';
import { resolveSessionLeaseOptions } from './session-lease-options.ts';
import type { SessionLeaseOptions } from './session-lease-options.ts';

export { localStopDeadline, mustStopBy } from './lease-deadline.ts';
export type { SessionLeaseOptions } from './session-lease-options.ts';

/** A lease as granted (or as currently held, from `holder`). */
export interface LeaseGrant {
  sessionId: string;
  /** Who holds it, e.g. `<workerId>/<threadIndex>`; the supervisor matches it in `forceRelease`. */
  owner: string;
  /** Fencing token: strictly greater than that of every earlier holder of this session. */
  token: number;
  /** ms since epoch, Redis server time, at which the lease lapses unless renewed. */
  expiresAt: number;
}

/** What `renewMany` needs of a grant. */
export type LeaseRef = Pick<LeaseGrant, 'sessionId' | 'owner' | 'token'>;

/** How long a lease hash outlives its expiry before Redis deletes it; expiry itself is decided in Lua. */
const GC_SLACK_MS = 60_000;

export class SessionLeases {
  /** Lease lifetime from each acquire or renew, ms. */
  readonly ttlMs: number;
  /** How long before expiry a holder that failed to renew stops, ms. */
  readonly stopMarginMs: number;
  /** Recommended ms between two renewals. */
  readonly renewIntervalMs: number;
  readonly #redis: Redis & LuaCommands;

  /** `redis`'s keyPrefix is put in front of every key; the Lua commands are registered on it. */
  constructor(redis: Redis, options?: SessionLeaseOptions) {
    const o = resolveSessionLeaseOptions(options);
    this.ttlMs = o.ttlMs;
    this.stopMarginMs = o.stopMarginMs;
    this.renewIntervalMs = o.renewIntervalMs;
    this.#redis = luaCommands(redis);
  }

  /**
   * Takes the lease if it is free or expired (with a new fencing token), or
   * renews it when `owner` already holds it (same token); null when another
   * owner holds a live lease. Read the local monotonic clock just before
   * calling, to compute the stop deadline.
   */
  async acquire(sessionId: string, owner: string): Promise<LeaseGrant | null> {
    const reply = await this.#redis.leaseAcquire(keys.lease(sessionId), keys.leaseFence(sessionId), owner, this.ttlMs, GC_SLACK_MS);
    if (reply === null) return null;
    return { sessionId, owner, token: Number(reply[0]), expiresAt: Number(reply[1]) };
  }

  /**
   * Renews many leases in one round trip (one script call per
   * `MAX_KEYS_PER_SCRIPT` leases, pipelined). A lease is renewed only while
   * still live and held by the same owner with the same token. The map has,
   * per session, the new expiry (server ms) or null when the lease is lost.
   */
  async renewMany(grants: readonly LeaseRef[]): Promise<Map<string, number | null>> {
    const result = new Map<string, number | null>();
    const reply = await runBatched<number | null>(this.#redis, grants.length, (pipeline, from, to) => {
      const batch = grants.slice(from, to);
      const args: Array<string | number> = batch.map((g) => keys.lease(g.sessionId));
      args.push(this.ttlMs, GC_SLACK_MS);
      for (const g of batch) args.push(g.owner, g.token);
      pipeline.leaseRenewMany(batch.length, ...args);
    });
    grants.forEach((g, i) => {
      const expiresAt = reply[i];
      result.set(g.sessionId, expiresAt === null || expiresAt === undefined ? null : Number(expiresAt));
    });
    return result;
  }

  /** Gives the lease up; true only when `owner` held it live with `token`. */
  async release(sessionId: string, owner: string, token: number): Promise<boolean> {
    return (await this.#redis.leaseRelease(keys.lease(sessionId), owner, String(token))) === 1;
  }

  /**
   * For the supervisor, once it has seen the owning worker process exit (so
   * every actor under `expectedOwner` is certainly dead): frees the lease at
   * once instead of waiting for it to expire, but only if `expectedOwner`
   * still holds it. True when a live lease was freed.
   */
  async forceRelease(sessionId: string, expectedOwner: string): Promise<boolean> {
    return (await this.#redis.leaseRelease(keys.lease(sessionId), expectedOwner, '')) === 1;
  }

  /** The live lease of a session, or null when free or expired. */
  async holder(sessionId: string): Promise<LeaseGrant | null> {
    return (await this.holders([sessionId])).get(sessionId) ?? null;
  }

  /** Live leases of many sessions in one round trip (for status pages). */
  async holders(sessionIds: readonly string[]): Promise<Map<string, LeaseGrant | null>> {
    const result = new Map<string, LeaseGrant | null>();
    const reply = await runBatched<[string, number, number] | null>(this.#redis, sessionIds.length, (pipeline, from, to) => {
      pipeline.leaseHolders(to - from, ...sessionIds.slice(from, to).map((id) => keys.lease(id)));
    });
    sessionIds.forEach((sessionId, i) => {
      const h = reply[i];
      result.set(sessionId, h ? { sessionId, owner: h[0], token: Number(h[1]), expiresAt: Number(h[2]) } : null);
    });
    return result;
  }
}
