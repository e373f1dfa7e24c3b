/**
 * The RAM pressure policy: given what the supervisor measured, which actors to
 * pause, resume or idle this tick. Pure: time and memory are inputs.
 *
 * - Above the high watermark, pause Free actors, then Pro, then (only with
 *   `pauseElite`) Elite; within a tier the largest first, then the least
 *   recently active. Pause only until the projected use (used bytes minus the
 *   memory of the actors chosen so far) is no longer above the watermark; if
 *   every candidate is not enough, pause them all.
 * - Between the watermarks, pause and resume nothing (hysteresis).
 * - Below the low watermark, resume paused actors in the reverse order: Elite,
 *   then Pro, then Free; within a tier the most recently active, then the
 *   smallest. An actor's expected cost is its last known memory, and it is
 *   resumed only if the projected use plus that cost stays below the LOW
 *   watermark. So a tick's resumes can at most fill the band up to the low
 *   watermark, and even an estimate off by the whole band width
 *   (high - low, 15% of the host by default) does not land above the high one.
 *   An actor that does not fit is skipped, not waited for, so one large paused
 *   actor cannot hold back every smaller one; it comes back when memory frees.
 *   An actor paused less than `minDwellMs` ago is not resumed yet.
 * - Whatever the pressure, a running actor with no forwarding activity for
 *   `idleAfterMs` goes idle (unless it is being paused this tick).
 *
 * Actions come out pauses or resumes first, then idles (least recently active
 * first), cut to `maxActionsPerTick`.
 */
import type { Tier } from '../../src/domain/plans/plan-types.ts';
import type { ResolvedPressureOptions } from './pressure-options.ts';
import { checkActors, hostUsedBytes, type ActorMemory, type PressureSnapshot } from './pressure-snapshot.ts';

export { memoryTotals, type MemoryTotals, type WorkerMemoryTotal } from './memory-totals.ts';
export { PRESSURE_DEFAULTS, resolvePressureOptions, type PressureOptions, type ResolvedPressureOptions } from './pressure-options.ts';
export type { ActorMemory, PolicyActorState, HostMemory, PressureSnapshot, WorkerMemory } from './pressure-snapshot.ts';

/** Why an action was taken; stable strings for logs and tests. */
export type PressureReason = 'above_high_watermark' | 'below_low_watermark' | 'inactive';

export interface PressureAction {
  kind: 'pause' | 'resume' | 'idle';
  actorId: string;
  reason: PressureReason;
}

/** What the caller remembers about an actor this policy paused. */
export interface PauseRecord {
  /** When the pause was decided, on the same clock as `now`. */
  pausedAt: number;
  /** The actor's memory when it was paused; the larger of this and the snapshot's figure is its resume cost. */
  memoryBytes: number;
}

/** Pause order: lower rank goes first. */
const PAUSE_RANK: Readonly<Record<Tier, number>> = { free: 0, pro: 1, elite: 2 };

function pauseOrder(a: ActorMemory, b: ActorMemory): number {
  return PAUSE_RANK[a.tier] - PAUSE_RANK[b.tier]
    || b.memoryBytes - a.memoryBytes
    || a.lastActivityAt - b.lastActivityAt
    || compareIds(a.actorId, b.actorId);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function choosePauses(actors: readonly ActorMemory[], usedBytes: number, highBytes: number, pauseElite: boolean): PressureAction[] {
  const candidates = actors
    .filter((a) => (a.state === 'running' || a.state === 'idle') && (a.tier !== 'elite' || pauseElite))
    .sort(pauseOrder);
  const actions: PressureAction[] = [];
  let projected = usedBytes;
  for (const a of candidates) {
    if (projected <= highBytes) break;
    actions.push({ kind: 'pause', actorId: a.actorId, reason: 'above_high_watermark' });
    projected -= a.memoryBytes;
  }
  return actions;
}

function chooseResumes(
  actors: readonly ActorMemory[],
  usedBytes: number,
  lowBytes: number,
  now: number,
  options: ResolvedPressureOptions,
  paused: ReadonlyMap<string, PauseRecord>,
): PressureAction[] {
  const candidates = actors
    .filter((a) => a.state === 'paused')
    .filter((a) => {
      const record = paused.get(a.actorId);
      // No record (e.g. paused before a supervisor restart): the dwell is long over.
      return record === undefined || now - record.pausedAt >= options.minDwellMs;
    })
    .map((a) => ({ actor: a, cost: Math.max(a.memoryBytes, paused.get(a.actorId)?.memoryBytes ?? 0) }))
    .sort((x, y) => PAUSE_RANK[y.actor.tier] - PAUSE_RANK[x.actor.tier]
      || y.actor.lastActivityAt - x.actor.lastActivityAt
      || x.cost - y.cost
      || compareIds(x.actor.actorId, y.actor.actorId));
  const actions: PressureAction[] = [];
  let projected = usedBytes;
  for (const { actor, cost } of candidates) {
    if (projected + cost >= lowBytes) continue;
    actions.push({ kind: 'resume', actorId: actor.actorId, reason: 'below_low_watermark' });
    projected += cost;
  }
  return actions;
}

function chooseIdles(actors: readonly ActorMemory[], now: number, idleAfterMs: number, taken: ReadonlySet<string>): PressureAction[] {
  return actors
    .filter((a) => a.state === 'running' && !taken.has(a.actorId) && now - a.lastActivityAt >= idleAfterMs)
    .sort((a, b) => a.lastActivityAt - b.lastActivityAt || compareIds(a.actorId, b.actorId))
    .map((a) => ({ kind: 'idle', actorId: a.actorId, reason: 'inactive' }));
}

/**
 * This tick's actions. `options` come from `resolvePressureOptions` (checked
 * once); `paused` holds the pauses the caller has made, for the dwell rule and
 * resume costs (`PressureController` keeps it for you).
 */
export function decidePressureActions(
  snapshot: PressureSnapshot,
  now: number,
  options: ResolvedPressureOptions,
  paused: ReadonlyMap<string, PauseRecord> = new Map(),
): PressureAction[] {
  const usedBytes = hostUsedBytes(snapshot.host);
  checkActors(snapshot.actors);
  const total = snapshot.host.totalBytes;
  const highBytes = options.highWatermark * total;
  const lowBytes = options.lowWatermark * total;

  let pressure: PressureAction[] = [];
  if (usedBytes > highBytes) pressure = choosePauses(snapshot.actors, usedBytes, highBytes, options.pauseElite);
  else if (usedBytes < lowBytes) pressure = chooseResumes(snapshot.actors, usedBytes, lowBytes, now, options, paused);

  const taken = new Set(pressure.map((a) => a.actorId));
  const idles = chooseIdles(snapshot.actors, now, options.idleAfterMs, taken);
  const actions = [...pressure, ...idles];
  return Number.isFinite(options.maxActionsPerTick) ? actions.slice(0, options.maxActionsPerTick) : actions;
}
