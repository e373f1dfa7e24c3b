/** Options of the scheduler's task store, their defaults, and their up-front check. */
import { InvalidOptionError } from '../../errors/registry.ts';

export interface TaskStoreOptions {
  /**
   * The supervisor owning this shard; in every key, so two supervisors on one
   * Redis never load each other's tasks. 1 to 64 of A-Z a-z 0-9 _ . - (as a
   * supervisor id). Required.
   */
  owner: string;
  /** Pending tasks read per round trip by `loadPending`. Default 5 000. */
  loadChunkSize?: number;
  /**
   * Most writes (or letters, or claimed tasks) per script call. A larger batch
   * goes as several calls in one pipeline, so Redis serves other clients
   * between them instead of stalling on one long script. Default 1 000.
   */
  scriptChunkSize?: number;
  /** How long a claim on a dead owner's tasks keeps others out after its last step, ms. Default 30 000. */
  claimMarkerTtlMs?: number;
  /** Wall clock stamping `deadAt`, ms. Default `Date.now`. */
  clock?: () => number;
}

export interface ResolvedTaskStoreOptions {
  owner: string;
  loadChunkSize: number;
  scriptChunkSize: number;
  claimMarkerTtlMs: number;
  clock: () => number;
}

const OWNER = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_CHUNK = 10_000;

function fail(option: string, message: string): never {
  throw new InvalidOptionError({ option, message });
}

/** Throws `InvalidOptionError` unless `value` can name an owner (a supervisor). */
export function checkOwnerId(option: string, value: unknown): string {
  if (typeof value !== 'string' || !OWNER.test(value)) fail(option, `${option} must be 1 to 64 of A-Z a-z 0-9 _ . -`);
  return value;
}

function chunk(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value >= 1 && value <= MAX_CHUNK)) fail(option, `${option} must be an integer from 1 to ${MAX_CHUNK}`);
  return value;
}

export function resolveTaskStoreOptions(options: TaskStoreOptions): ResolvedTaskStoreOptions {
  const o = (options ?? {}) as Partial<TaskStoreOptions>;
  const owner = checkOwnerId('owner', o.owner);
  if (o.claimMarkerTtlMs !== undefined && !(Number.isInteger(o.claimMarkerTtlMs) && o.claimMarkerTtlMs > 0)) {
    fail('claimMarkerTtlMs', 'claimMarkerTtlMs must be a positive integer');
  }
  if (o.clock !== undefined && typeof o.clock !== 'function') fail('clock', 'clock must be a function');
  return {
    owner,
    loadChunkSize: chunk('loadChunkSize', o.loadChunkSize, 5_000),
    scriptChunkSize: chunk('scriptChunkSize', o.scriptChunkSize, 1_000),
    claimMarkerTtlMs: o.claimMarkerTtlMs ?? 30_000,
    clock: o.clock ?? Date.now,
  };
}
