/**
 * The scheduler store's atomic Redis transitions, one Lua file each under
 * `lua/`, registered with `defineCommand` (see src/cluster/script-registrar.ts).
 * The names carry a `sched` prefix so both this set and the cluster's can be
 * registered on one client.
 */
import { scriptRegistrar } from '../../cluster/script-registrar.ts';

type Arg = string | number;

const DEFINITIONS = {
  schedTasksWrite: { file: 'tasks-write.lua', numberOfKeys: 6 },
  schedTasksPage: { file: 'tasks-page.lua', numberOfKeys: 2, readOnly: true },
  schedDeadPage: { file: 'dead-page.lua', numberOfKeys: 2, readOnly: true },
  schedDeadReplay: { file: 'dead-replay.lua', numberOfKeys: 6 },
  schedDeadRemove: { file: 'dead-remove.lua', numberOfKeys: 2 },
  schedClaimOrphans: { file: 'claim-orphans.lua', numberOfKeys: 13 },
  schedHandOver: { file: 'hand-over.lua', numberOfKeys: 9 },
  schedInboxTake: { file: 'inbox-take.lua', numberOfKeys: 3 },
} as const satisfies Record<string, { file: string; numberOfKeys: number; readOnly?: boolean }>;

/** Typed view of the registered commands; replies as Redis turns Lua values into them (false -> null). */
export interface StoreScripts {
  /** KEYS tasks, order, seq, dead, deadOrder, pairs; ARGV puts, ops... -> seq high-water mark. */
  schedTasksWrite(tasks: string, order: string, seq: string, dead: string, deadOrder: string, pairs: string, ...args: Arg[]): Promise<number>;
  /** KEYS tasks, order; ARGV afterSeq, count -> id, seq, json (or null) per task. */
  schedTasksPage(tasks: string, order: string, afterSeq: number, count: number): Promise<Array<string | null>>;
  /** KEYS dead, deadOrder; ARGV offset, count -> id, record (or null) per letter. */
  schedDeadPage(dead: string, deadOrder: string, offset: number, count: number): Promise<Array<string | null>>;
  /** KEYS tasks, order, seq, dead, deadOrder, pairs; ARGV (id, record, taskJson, pairId)... -> seq, 0 or -1 per letter. */
  schedDeadReplay(tasks: string, order: string, seq: string, dead: string, deadOrder: string, pairs: string, ...args: string[]): Promise<number[]>;
  /** KEYS dead, deadOrder; ARGV ids -> how many existed. */
  schedDeadRemove(dead: string, deadOrder: string, ...ids: string[]): Promise<string[]>;
  /** KEYS dead owner's 4, live owner's 5, marker, dead and live owner's pairs, owners; ARGV claimant, max, ttlMs, dead owner -> status, holder, moved dead, duplicates, (id, seq, json)... */
  schedClaimOrphans(...args: Arg[]): Promise<Array<string | number>>;
  /** KEYS this owner's tasks, order, pairs; the receiver's tasks, order, seq, pairs, inbox; owners; ARGV id, pairId, receiver -> 1 handed over, 0 not here, 2 receiver had it. */
  schedHandOver(...args: Arg[]): Promise<number>;
  /** KEYS tasks, order, inbox; no ARGV -> id, seq, json per task handed over and still pending. */
  schedInboxTake(tasks: string, order: string, inbox: string): Promise<string[]>;
}

/** The commands queued on a pipeline: same arguments, replies come from `exec`. */
export type StoreScriptsPipeline = { [K in keyof StoreScripts]: (...args: Parameters<StoreScripts[K]>) => unknown };

/** Registers every script on `redis` (once per client) and returns it with their types. */
export const storeScripts = scriptRegistrar<StoreScripts>(new URL('./lua/', import.meta.url), DEFINITIONS);
