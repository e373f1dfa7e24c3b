/**
 * The cluster's atomic Redis transitions, one Lua file each under `lua/`,
 * registered with `defineCommand` (see script-registrar.ts).
 */
import type { Redis } from 'ioredis';
import { scriptRegistrar } from './script-registrar.ts';

type Arg = string | number;

/** File and key count of each command; no count means the caller passes it first (variable key lists). */
const DEFINITIONS = {
  leaseAcquire: { file: 'lease-acquire.lua', numberOfKeys: 2 },
  leaseRenewMany: { file: 'lease-renew-many.lua' },
  leaseRelease: { file: 'lease-release.lua', numberOfKeys: 1 },
  leaseHolders: { file: 'lease-holders.lua', readOnly: true },
  loopbackConnect: { file: 'loopback-connect.lua', numberOfKeys: 2 },
  loopbackHeartbeatMany: { file: 'loopback-heartbeat-many.lua' },
  loopbackLive: { file: 'loopback-live.lua', numberOfKeys: 1, readOnly: true },
  loopbackDeliverOnce: { file: 'loopback-deliver-once.lua', numberOfKeys: 4 },
} as const satisfies Record<string, { file: string; numberOfKeys?: number; readOnly?: boolean }>;

/** Typed view of the registered commands; replies as Redis turns Lua values into them (false -> null). */
export interface LuaCommands {
  /** KEYS lease, fence; ARGV owner, ttlMs, gcSlackMs -> [token, expiresAt] or null. */
  leaseAcquire(lease: string, fence: string, owner: string, ttlMs: number, gcSlackMs: number): Promise<[number, number] | null>;
  /** numKeys, lease keys..., ttlMs, gcSlackMs, (owner, token)... -> expiresAt or null per lease. */
  leaseRenewMany(numKeys: number, ...args: Arg[]): Promise<Array<number | null>>;
  /** KEYS lease; ARGV owner, token or '' -> 1 when a live lease was released. */
  leaseRelease(lease: string, owner: string, token: string): Promise<number>;
  /** numKeys, lease keys... -> [owner, token, expiresAt] or null per lease. */
  leaseHolders(numKeys: number, ...leases: string[]): Promise<Array<[string, number, number] | null>>;
  /** KEYS connections, violations; ARGV sessionId, connectionId, ttlMs, gcSlackMs -> live connections. */
  loopbackConnect(conns: string, violations: string, sessionId: string, connectionId: string, ttlMs: number, gcSlackMs: number): Promise<number>;
  /** numKeys, connection keys..., ttlMs, gcSlackMs, connectionIds... -> 1 (extended) or 0 (gone) per connection. */
  loopbackHeartbeatMany(numKeys: number, ...args: Arg[]): Promise<number[]>;
  /** KEYS connections -> live connection ids. */
  loopbackLive(conns: string): Promise<string[]>;
  /** KEYS nonce, chat, deliveries, attempts; ARGV key, maxlen, kind, payload, nonceTtlMs -> message id. */
  loopbackDeliverOnce(nonce: string, chat: string, deliveries: string, attempts: string, key: string, maxLen: number, kind: string, payload: string, nonceTtlMs: number): Promise<string>;
}

/** The commands queued on a pipeline: same arguments, replies come from `exec`. */
export type LuaPipeline = { [K in keyof LuaCommands]: (...args: Parameters<LuaCommands[K]>) => unknown };

/**
 * Most keys one script call of a batch command touches. A larger batch goes
 * as several calls in ONE pipeline: still one round trip, but Redis serves
 * other clients between the calls instead of stalling on one long script
 * (10 000 heartbeats in one call block Redis for ~50 ms).
 */
export const MAX_KEYS_PER_SCRIPT = 1_000;

/** Registers every command on `redis` (once per client) and returns it with their types. */
export const luaCommands = scriptRegistrar<LuaCommands>(new URL('./lua/', import.meta.url), DEFINITIONS);

/**
 * Runs a batch command over `total` items, `MAX_KEYS_PER_SCRIPT` per script
 * call, all in one pipeline; `queue` queues the call for items [from, to).
 * Returns the replies of all calls, concatenated in item order.
 */
export async function runBatched<R>(
  redis: Redis,
  total: number,
  queue: (pipeline: LuaPipeline, from: number, to: number) => void,
): Promise<R[]> {
  if (total === 0) return [];
  luaCommands(redis);
  const pipeline = redis.pipeline();
  for (let from = 0; from < total; from += MAX_KEYS_PER_SCRIPT) {
    queue(pipeline as unknown as LuaPipeline, from, Math.min(total, from + MAX_KEYS_PER_SCRIPT));
  }
  const out: R[] = [];
  for (const [error, reply] of (await pipeline.exec()) ?? []) {
    if (error) throw error;
    out.push(...(reply as R[]));
  }
  return out;
}
