/**
 * The pressure policy with the one piece of memory it needs across ticks:
 * when, and at what size, it paused each actor (for the dwell rule and resume
 * costs). Time is still an input, so tests drive it with a virtual clock.
 */
import { decidePressureActions, type PauseRecord, type PressureAction } from './pressure-policy.ts';
import { resolvePressureOptions, type PressureOptions, type ResolvedPressureOptions } from './pressure-options.ts';
import type { PressureSnapshot } from './pressure-snapshot.ts';

export class PressureController {
  /** The options after defaults and checks. */
  readonly options: ResolvedPressureOptions;
  readonly #paused = new Map<string, PauseRecord>();

  /** Checks the options once; throws `InvalidOptionError` naming the option at fault. */
  constructor(options?: PressureOptions) {
    this.options = resolvePressureOptions(options);
  }

  /** Decides this tick's actions and records the pauses it makes. `now` is in ms. */
  tick(snapshot: PressureSnapshot, now: number): PressureAction[] {
    // A record outlives a pause that has not been applied yet (the actor still
    // shows `running`), so it is dropped only once the actor is gone.
    const present = new Set(snapshot.actors.map((a) => a.actorId));
    for (const actorId of this.#paused.keys()) if (!present.has(actorId)) this.#paused.delete(actorId);

    const actions = decidePressureActions(snapshot, now, this.options, this.#paused);
    const byId = new Map(snapshot.actors.map((a) => [a.actorId, a]));
    for (const action of actions) {
      if (action.kind === 'pause') {
        this.#paused.set(action.actorId, { pausedAt: now, memoryBytes: byId.get(action.actorId)?.memoryBytes ?? 0 });
      } else if (action.kind === 'resume') {
        this.#paused.delete(action.actorId);
      }
    }
    return actions;
  }

  /** When the policy paused an actor still on record, for logs and tests. */
  pausedAt(actorId: string): number | undefined {
    return this.#paused.get(actorId)?.pausedAt;
  }
}
