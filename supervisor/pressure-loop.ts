/**
 * Feeds the pure pressure policy with what the supervisor measured and
 * applies its decisions. Pauses run tier by tier, in the order the policy
 * gives (free first), and a tier's pauses all finish before the next tier's
 * begin, so no Pro actor is paused while a Free one still runs.
 */
import type { Logger } from 'pino';
import { PressureController } from './policy/pressure-controller.ts';
import type { PolicyActorState, PressureAction, PressureOptions, PressureSnapshot, ResolvedPressureOptions } from './policy/pressure-policy.ts';
import type { SessionRecord } from './session-table.ts';
import type { Supervisor } from './supervisor.ts';

/** Calls in flight at once while applying one tier's actions. */
const CONCURRENCY = 64;

function policyState(r: SessionRecord): PolicyActorState | null {
  switch (r.state) {
    case 'running':
    case 'idle':
    case 'starting':
      return r.state;
    case 'paused':
      // Only pressure pauses are the policy's to undo; an admin pause reads as stopped.
      return r.pausedBy === 'pressure' ? 'paused' : 'stopped';
    default:
      return null;
  }
}

async function inBatches<T>(items: readonly T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY) await Promise.all(items.slice(i, i + CONCURRENCY).map(fn));
}

export class PressureLoop {
  #controller: PressureController;
  readonly #supervisor: Supervisor;
  readonly #log: Logger;

  constructor(supervisor: Supervisor, options: PressureOptions, log: Logger) {
    this.#supervisor = supervisor;
    this.#controller = new PressureController(options);
    this.#log = log;
  }

  get options(): ResolvedPressureOptions {
    return this.#controller.options;
  }

  /** New watermarks at run time (admin command); validated like the originals. */
  reconfigure(change: { highWatermark?: number; lowWatermark?: number; pauseElite?: boolean }): void {
    const next = { ...this.#controller.options, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) };
    this.#controller = new PressureController(next);
    this.#log.info({ pressure: this.#controller.options }, 'pressure watermarks changed');
  }

  snapshot(): PressureSnapshot {
    const actors: PressureSnapshot['actors'][number][] = [];
    for (const r of this.#supervisor.sessions.all()) {
      const state = policyState(r);
      if (state === null || r.workerId === null) continue;
      actors.push({
        actorId: r.spec.actorId,
        userId: r.spec.userId,
        workerId: r.workerId,
        tier: r.spec.tier,
        state,
        memoryBytes: r.memoryBytes,
        lastActivityAt: r.lastActivityAt,
      });
    }
    return {
      host: this.#supervisor.hostMemory(),
      workers: this.#supervisor.workers().map((w) => ({ workerId: w.workerId, memoryBytes: w.lastStatus?.rssBytes ?? 0 })),
      actors,
    };
  }

  async tick(now: number): Promise<PressureAction[]> {
    const actions = this.#controller.tick(this.snapshot(), now);
    if (actions.length === 0) return actions;
    const tierOf = (id: string) => this.#supervisor.sessions.get(id)?.spec.tier ?? 'free';
    // Consecutive actions of one kind and tier form a batch; batches run in order.
    const batches: PressureAction[][] = [];
    for (const action of actions) {
      const last = batches.at(-1);
      const head = last?.[0];
      if (last && head && head.kind === action.kind && tierOf(head.actorId) === tierOf(action.actorId)) last.push(action);
      else batches.push([action]);
    }
    for (const batch of batches) {
      if (this.#supervisor.stopping) break;
      await inBatches(batch, (a) => this.#apply(a).catch((err: unknown) => this.#log.warn({ err, action: a }, 'pressure action failed')));
    }
    const count = (kind: PressureAction['kind']) => actions.filter((a) => a.kind === kind).length;
    this.#log.info({ paused: count('pause'), resumed: count('resume'), idled: count('idle'), host: this.#supervisor.hostMemory() }, 'pressure actions applied');
    return actions;
  }

  async #apply(action: PressureAction): Promise<unknown> {
    // A shutdown under way stops every actor anyway; pausing them first would only race it.
    if (this.#supervisor.stopping) return;
    switch (action.kind) {
      case 'pause':
        return this.#supervisor.pauseSession(action.actorId, 'pressure');
      case 'resume':
        return this.#supervisor.resumeSession(action.actorId);
      case 'idle':
        return this.#supervisor.idleSession(action.actorId);
    }
  }
}
