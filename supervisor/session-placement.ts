/**
 * Where each session's actor runs: a user's sessions together on one worker
 * (the placement policy decides: place, move the group, fork a worker, or
 * queue and ask for scale-out), queued sessions placed when room appears,
 * sessions moved off a worker being drained, and a crashed worker's sessions
 * placed again once its grace period is over.
 */
import type { HostMemory } from './policy/pressure-policy.ts';
import { PlacementPolicy, planDrain, type WorkerLoad } from './policy/placement.ts';
import type { SessionSnapshot } from '../src/cluster/status-snapshot.ts';
import { WorkerNotFoundError } from '../src/errors/registry.ts';
import type { ActorLifecycle } from './actor-lifecycle.ts';
import { requestScaleOut } from './scale-out.ts';
import { occupiesWorker, viewOf, type SessionRecord } from './session-table.ts';
import type { SupervisorContext } from './supervisor-context.ts';
import type { WorkerHandle } from './worker-handle.ts';

export class SessionPlacement {
  readonly #c: SupervisorContext;
  readonly #actors: ActorLifecycle;
  readonly #host: () => HostMemory;
  readonly #policy: PlacementPolicy;

  /** `host`: the host's memory as last read (a new worker is forked only with headroom). */
  constructor(context: SupervisorContext, actors: ActorLifecycle, host: () => HostMemory) {
    this.#c = context;
    this.#actors = actors;
    this.#host = host;
    this.#policy = new PlacementPolicy({ maxWorkers: context.options.maxWorkers });
  }

  /** What each usable worker holds, as the placement policy weighs it. */
  loads(): WorkerLoad[] {
    const o = this.#c.options;
    return this.#c.fleet.all()
      .filter((w) => w.alive && w.state !== 'stopping')
      .map((w) => ({
        workerId: w.workerId,
        sessionLimit: o.sessionsPerWorker,
        ramCapBytes: o.workerRamCapBytes,
        sessions: this.#c.sessions.onWorker(w.workerId).filter((r) => occupiesWorker(r.state)).length,
        memoryBytes: (w.lastStatus?.rssBytes ?? 0) + w.bookedSinceStatus * o.expectedSessionBytes,
        draining: w.state === 'draining' || w.state === 'starting',
      }));
  }

  /**
   * Placements of one user's sessions run one at a time, so they land on one
   * worker. Every placement's decision, up to booking the session on its
   * worker, runs one at a time too (so two decided at once cannot both take
   * a worker's last place), but the actor's start that follows does not:
   * sessions of many users start together, which is what makes a failover
   * of a whole host take about one start rather than one per session.
   */
  placeForUser(record: SessionRecord): Promise<void> {
    return this.#c.serial(`user:${record.spec.userId}`, async () => {
      const launch = await this.#c.serial('placement', () => this.#place(record));
      await launch?.();
    });
  }

  /** Decides and books; returns the start still to run, if any (the rare paths start under the lock). */
  async #place(record: SessionRecord): Promise<(() => Promise<void>) | null> {
    const { sessions, fleet, options } = this.#c;
    for (let attempt = 0; attempt < 3; attempt++) {
      const userWorker = sessions.workerOfUser(record.spec.userId);
      const group = userWorker === null ? [] : sessions.ofUser(record.spec.userId).filter((r) => r.workerId === userWorker);
      const decision = this.#policy.place(
        {
          userId: record.spec.userId,
          expectedBytes: options.expectedSessionBytes,
          ...(userWorker !== null
            ? { currentGroup: { workerId: userWorker, sessions: group.length, memoryBytes: group.reduce((s, r) => s + r.memoryBytes, 0) } }
            : {}),
        },
        { workers: this.loads(), hostHasHeadroom: this.#host().availableBytes > options.spawnHeadroomBytes },
      );
      switch (decision.kind) {
        case 'place': {
          const worker = fleet.get(decision.workerId) as WorkerHandle;
          const grant = await this.#actors.reserve(record, worker);
          return grant === null ? null : () => this.#actors.launch(record, worker, grant);
        }
        case 'move-group': {
          const target = fleet.get(decision.toWorkerId) as WorkerHandle;
          for (const r of group) {
            await this.#actors.stop(r);
            await this.#actors.startOn(r, target);
          }
          await this.#actors.startOn(record, target);
          return null;
        }
        case 'spawn-worker':
          // A worker already coming up (a crash replacement) will have room: wait for it.
          if (fleet.spawning > 0) {
            this.#actors.queue(record, 'waiting for a worker to start');
            return null;
          }
          await fleet.spawn();
          continue;
        case 'queue':
          this.#actors.queue(record, `scale-out requested (${decision.cause})`);
          await requestScaleOut(this.#c.redis, this.#c.log, options.scaleOutWebhookUrl, {
            supervisorId: this.#c.id,
            sessionId: record.spec.actorId,
            userId: record.spec.userId,
            cause: decision.cause,
            workers: fleet.size,
            queued: sessions.queued().length,
          });
          return null;
      }
    }
    this.#actors.queue(record, 'placement did not settle');
    return null;
  }

  /** Places every queued session whose wait is over. */
  async placeQueued(): Promise<void> {
    if (this.#c.stopping()) return;
    for (const r of this.#c.sessions.queued()) {
      if (this.#c.stopping()) return;
      if (r.placeNotBefore > Date.now()) continue;
      await this.#c.serial(r.spec.actorId, async () => {
        // Removed or placed by someone else while this one waited its turn.
        if (this.#c.sessions.get(r.spec.actorId) !== r || r.state !== 'queued') return;
        await this.placeForUser(r);
      }).catch((err: unknown) => this.#c.log.error({ err, actorId: r.spec.actorId }, 'placement failed'));
    }
  }

  /** Moves a session to another worker: stop (cursor kept), hand the lease over, start. */
  reassign(actorId: string, toWorkerId: string): Promise<SessionSnapshot> {
    return this.#c.serial(actorId, async () => {
      const record = this.#actors.record(actorId);
      const target = this.#c.fleet.get(toWorkerId);
      if (!target || !target.alive) throw new WorkerNotFoundError({ workerId: toWorkerId });
      if (record.workerId === toWorkerId) return viewOf(record);
      await this.#actors.stop(record);
      await this.#actors.startOn(record, target);
      return viewOf(record);
    });
  }

  /** Empties a worker (every user group moved whole), then stops it. */
  async drain(workerId: string): Promise<{ moved: number; unplaced: number }> {
    const { sessions, fleet } = this.#c;
    const worker = fleet.get(workerId);
    if (!worker || !worker.alive) throw new WorkerNotFoundError({ workerId });
    worker.state = 'draining';
    const groups = new Map<string, { userId: string; sessions: number; memoryBytes: number }>();
    for (const r of sessions.onWorker(workerId)) {
      const g = groups.get(r.spec.userId) ?? { userId: r.spec.userId, sessions: 0, memoryBytes: 0 };
      g.sessions += 1;
      g.memoryBytes += r.memoryBytes;
      groups.set(r.spec.userId, g);
    }
    const load = this.loads();
    const self = load.find((w) => w.workerId === workerId) as WorkerLoad;
    const plan = planDrain({ ...self, groups: [...groups.values()] }, load);
    let moved = 0;
    for (const move of plan.moves) {
      for (const r of sessions.ofUser(move.userId).filter((x) => x.workerId === workerId)) {
        await this.reassign(r.spec.actorId, move.toWorkerId);
        moved += 1;
      }
    }
    let unplaced = 0;
    for (const group of plan.unplaced) {
      for (const r of sessions.ofUser(group.userId).filter((x) => x.workerId === workerId)) {
        await this.#actors.stop(r);
        this.#actors.queue(r, 'worker drained; no room elsewhere');
        unplaced += 1;
      }
    }
    if (sessions.onWorker(workerId).length === 0) await fleet.retire(worker);
    return { moved, unplaced };
  }

  /**
   * A worker crashed: its sessions wait out the orphan grace (a temporary one
   * is forgotten) while a replacement comes up; then the process's leases go
   * (it holds no connection any more) and live workers take the orphans.
   */
  async afterCrash(handle: WorkerHandle): Promise<void> {
    const { sessions, options, log } = this.#c;
    const orphans = sessions.onWorker(handle.workerId);
    log.error({ workerId: handle.workerId, sessions: orphans.length }, 'worker crashed');
    const graceEnds = Date.now() + options.orphanGraceMs;
    for (const r of orphans) {
      if (r.spec.restart === 'temporary') {
        sessions.delete(r.spec.actorId);
        continue;
      }
      this.#actors.queue(r, 'worker crashed');
      r.placeNotBefore = graceEnds;
    }
    const replacement = await this.#c.fleet.replaceCrashed(handle);
    if (replacement === null) return;
    await new Promise((resolve) => setTimeout(resolve, options.orphanGraceMs));
    await Promise.all(orphans.map((r) => this.#c.leases.forceRelease(r.spec.actorId, handle.workerId).catch(() => false)));
    await this.placeQueued();
    await replacement.ready;
    await this.placeQueued();
  }

  /** Releases the leases of every session placed on a worker that has stopped. */
  async releaseLeasesOf(workerId: string): Promise<void> {
    await Promise.all(
      this.#c.sessions.onWorker(workerId).map((r) => this.#c.leases.forceRelease(r.spec.actorId, workerId).catch(() => false)),
    );
  }
}
