/**
 * Where supervisors publish their status snapshots and where the CLI and the
 * admin API read them, so both sides agree on keys, expiry and staleness.
 */
import type { Redis } from 'ioredis';
import { InvalidOptionError } from '../errors/registry.ts';
import { keys } from './redis-keys.ts';
import type { SupervisorSnapshot } from './status-snapshot.ts';

/**
 * Stores `snapshot` for `ttlMs` and records the heartbeat. The key expiring
 * is what marks a supervisor that stopped publishing as gone, so `ttlMs`
 * should be a few publish intervals.
 */
export async function publishSnapshot(redis: Redis, snapshot: SupervisorSnapshot, ttlMs: number): Promise<void> {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) {
    throw new InvalidOptionError({ option: 'ttlMs', message: `publishSnapshot: ttlMs must be a positive whole number of ms, got ${ttlMs}` });
  }
  const results = await redis
    .multi()
    .set(keys.supervisorSnapshot(snapshot.supervisorId), JSON.stringify(snapshot), 'PX', ttlMs)
    .zadd(keys.supervisors(), snapshot.publishedAt, snapshot.supervisorId)
    .exec();
  const failed = results?.find(([error]) => error !== null);
  if (failed) throw failed[0];
}

/** Removes a supervisor's snapshot at once, for a clean shutdown (otherwise it lingers until its TTL). */
export async function removeSnapshot(redis: Redis, supervisorId: string): Promise<void> {
  await redis.multi().del(keys.supervisorSnapshot(supervisorId)).zrem(keys.supervisors(), supervisorId).exec();
}

/**
 * Which of `supervisorIds` are alive: their snapshot key has not expired (a
 * supervisor that stopped cleanly removed it). A supervisor blocked for longer
 * than its snapshot TTL counts as dead.
 */
export async function aliveSupervisors(redis: Redis, supervisorIds: readonly string[]): Promise<Set<string>> {
  if (supervisorIds.length === 0) return new Set();
  const values = await redis.mget(supervisorIds.map((id) => keys.supervisorSnapshot(id)));
  return new Set(supervisorIds.filter((_, i) => values[i] !== null && values[i] !== undefined));
}

export interface ReadSnapshotsOptions {
  /** Snapshots published longer ago than this are left out, even if their key has not expired yet. Default 5 000 ms. */
  staleAfterMs?: number;
  /** The current time in ms, for tests. Default `Date.now()`. */
  now?: number;
}

/**
 * Snapshots of every running supervisor, ordered by supervisor id. Entries of
 * the `supervisors` set whose snapshot key has expired are pruned on the way.
 */
export async function readSnapshots(redis: Redis, options: ReadSnapshotsOptions = {}): Promise<SupervisorSnapshot[]> {
  const staleAfterMs = options.staleAfterMs ?? 5_000;
  const now = options.now ?? Date.now();
  const ids = await redis.zrange(keys.supervisors(), 0, -1);
  if (ids.length === 0) return [];
  const values = await redis.mget(ids.map((id) => keys.supervisorSnapshot(id)));

  const gone: string[] = [];
  const snapshots: SupervisorSnapshot[] = [];
  ids.forEach((id, i) => {
    const value = values[i];
    if (value === null || value === undefined) {
      gone.push(id);
      return;
    }
    const snapshot = parseSnapshot(value);
    if (snapshot !== null && now - snapshot.publishedAt <= staleAfterMs) snapshots.push(snapshot);
  });
  // A supervisor publishing between our MGET and this ZREM loses its entry
  // until its next publish (one interval): harmless, and cheaper than a script.
  if (gone.length > 0) await redis.zrem(keys.supervisors(), ...gone);
  return snapshots.sort((a, b) => a.supervisorId.localeCompare(b.supervisorId));
}

/** A snapshot someone wrote by hand or an older version wrote is skipped, not fatal to the CLI. */
function parseSnapshot(value: string): SupervisorSnapshot | null {
  try {
    const parsed = JSON.parse(value) as SupervisorSnapshot;
    const valid = typeof parsed?.supervisorId === 'string' && typeof parsed.publishedAt === 'number'
      && Array.isArray(parsed.workers) && Array.isArray(parsed.sessions);
    return valid ? parsed : null;
  } catch {
    return null;
  }
}
