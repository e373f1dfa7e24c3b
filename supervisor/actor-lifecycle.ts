/**
 * Starting, stopping, pausing and resuming one session's actor on the worker
 * placement chose, with its lease: every state change of a session goes
 * through here, so it is logged, put on the events stream and emitted once.
 * Also the OTP side: what comes back after an actor failed or stopped on its
 * own, within each session's restart intensity.
 */
import type { ResumeCursor } from '../src/runtime-contracts/actor-contract.ts';
import { RestartIntensity } from '../src/cluster/restart-intensity.ts';
import type { SessionSnapshot } from '../src/cluster/status-snapshot.ts';
import type { LeaseGrant } from '../src/cluster/session-lease.ts';
import { SessionNotFoundError, SessionStateConflictError } from '../src/errors/registry.ts';
import { afterExit, type ActorExit } from './restart-policy.ts';
import { occupiesWorker, viewOf, type SessionRecord } from './session-table.ts';
import type { SupervisorContext } from './supervisor-context.ts';
import type { WorkerHandle } from './worker-handle.ts';

export interface ActorLifecycleDeps {
  /** Every session state change, with the actor's reason when it gave one. */
  onState(view: SessionSnapshot, reason: string | undefined): void;
  /** Places a session anew (a restart after a failure). */
  place(record: SessionRecord): Promise<void>;
}

export class ActorLifecycle {
  /**
   * Reads a session's durable cursor (the forwarding engine's, in Redis: it
   * moves only once a message's tasks are accepted). Every start, restart,
   * move and resume begins from it as it stands then, not from the position
   * held in memory when the session was added or paused, which may be empty
   * (a standby supervisor) or behind what another supervisor forwarded since.
   * Null: the in-memory position (no forwarding engine, as in the benches).
   */
  durableCursor: ((actorId: string) => Promise<ResumeCursor>) | null = null;
  /**
   * Runs before an actor starts, its lease in hand: the forwarding queue then
   * holds the pairs whose earlier tasks another supervisor's shard still has
   * (this session may have been that supervisor's), before the actor's first
   * message can be enqueued behind them. Null: nothing (no queue).
   */
  beforeStart: ((actorId: string) => Promise<void>) | null = null;
  readonly #c: SupervisorContext;
  readonly #d: ActorLifecycleDeps;
  /**
   * Actors this supervisor is stopping itself (a move, a pause, a removal),
   * possibly under another session's operation (a user's group moving with a
   * new session): their `stopped` event is expected, not a failure to restart.
   */
  readonly #expectedStops = new Set<string>();
  /** Restarts of each session after its actor failed or stopped on its own. */
  readonly #restarts = new Map<string, RestartIntensity>();

  constructor(context: SupervisorContext, deps: ActorLifecycleDeps) {
    this.#c = context;
    this.#d = deps;
  }

  record(actorId: string): SessionRecord {
    const r = this.#c.sessions.get(actorId);
    if (!r) throw new SessionNotFoundError({ sessionId: actorId });
    return r;
  }

  workerOf(record: SessionRecord): WorkerHandle {
    const w = record.workerId === null ? undefined : this.#c.fleet.get(record.workerId);
    if (!w) throw new SessionStateConflictError({ sessionId: record.spec.actorId, state: record.state, action: 'reach' });
    return w;
  }

  /** Forgets a removed session's restart count. */
  forget(actorId: string): void {
    this.#restarts.delete(actorId);
  }

  /** Whether the supervisor itself is stopping this actor (its `stopped` event is then no failure). */
  stopExpected(actorId: string): boolean {
    return this.#expectedStops.has(actorId);
  }

  /** Sets the chats the actor reports messages from; a running actor is told at once, a stopped one at its next start. */
  async watch(record: SessionRecord, chatIds: readonly string[], cursor: ResumeCursor): Promise<void> {
    record.watched = [...chatIds];
    record.cursor = { ...cursor, ...record.cursor };
    const worker = record.workerId === null ? undefined : this.#c.fleet.get(record.workerId);
    if (worker && (record.state === 'running' || record.state === 'idle')) {
      await worker.call((api) => api.watch(record.spec.actorId, [...chatIds]));
    }
  }

  async idle(record: SessionRecord): Promise<void> {
    if (record.state !== 'running') return;
    await this.workerOf(record).call((api) => api.idleActor(record.spec.actorId));
    this.setState(record, 'idle');
  }

  async pause(record: SessionRecord, by: 'admin' | 'pressure'): Promise<SessionSnapshot> {
    const actorId = record.spec.actorId;
    if (record.state === 'paused') {
      // An admin pause outranks a pressure pause, so pressure never resumes it.
      if (by === 'admin') record.pausedBy = 'admin';
      return viewOf(record);
    }
    if (record.state !== 'running' && record.state !== 'idle') {
      throw new SessionStateConflictError({ sessionId: actorId, state: record.state, action: 'pause' });
    }
    const worker = this.workerOf(record);
    record.cursor = await worker.call((api) => api.pauseActor(actorId));
    record.pausedBy = by;
    this.setState(record, 'paused');
    return viewOf(record);
  }

  async resume(record: SessionRecord): Promise<SessionSnapshot> {
    const actorId = record.spec.actorId;
    if (record.state !== 'paused') {
      throw new SessionStateConflictError({ sessionId: actorId, state: record.state, action: 'resume' });
    }
    const worker = this.workerOf(record);
    // The lease may have lapsed while paused; the same owner gets it back with its token.
    const grant = await this.#c.leases.acquire(actorId, worker.workerId);
    if (grant === null) {
      await worker.call((api) => api.stopActor(actorId)).catch(() => null);
      this.queue(record, 'lease held elsewhere');
      return viewOf(record);
    }
    record.leaseToken = grant.token;
    record.pausedBy = null;
    const cursor = await this.#resumePoint(record);
    const state = await worker.call((api) => api.resumeActor(actorId, cursor ?? {}));
    this.setState(record, state);
    return viewOf(record);
  }

  async startOn(record: SessionRecord, worker: WorkerHandle): Promise<void> {
    const grant = await this.reserve(record, worker);
    if (grant !== null) await this.launch(record, worker, grant);
  }

  /** Takes the session's lease for `worker` and books it there (starting); null, and queued, when another holds the lease. */
  async reserve(record: SessionRecord, worker: WorkerHandle): Promise<LeaseGrant | null> {
    const grant = await this.#c.leases.acquire(record.spec.actorId, worker.workerId);
    if (grant === null) {
      this.queue(record, 'lease held elsewhere');
      return null;
    }
    record.workerId = worker.workerId;
    record.leaseToken = grant.token;
    record.queuedReason = null;
    worker.bookedSinceStatus += 1;
    this.setState(record, 'starting');
    return grant;
  }

  /** Starts a reserved session's actor on its worker; a failed start gives the lease back and queues it. */
  async launch(record: SessionRecord, worker: WorkerHandle, grant: LeaseGrant): Promise<void> {
    try {
      await this.beforeStart?.(record.spec.actorId);
      const cursor = await this.#resumePoint(record);
      const started = await worker.call((api) => api.startActor({ ...record.spec, fencingToken: grant.token }, cursor));
      record.threadIndex = started.threadIndex;
      this.setState(record, started.state);
      if (started.state === 'revoked' || started.state === 'failed') await this.#startRefused(record, started.state);
      else if (record.watched.length > 0) await worker.call((api) => api.watch(record.spec.actorId, [...record.watched]));
    } catch (err) {
      if ((err as { code?: string }).code === 'actor_exists') {
        // Already running there under this worker's lease: adopt it rather than release a lease in use.
        this.#c.log.warn({ actorId: record.spec.actorId, workerId: worker.workerId }, 'actor was already running on its worker');
        this.setState(record, 'running');
        return;
      }
      this.#c.log.warn({ err, actorId: record.spec.actorId, workerId: worker.workerId }, 'actor did not start');
      await this.#c.leases.release(record.spec.actorId, worker.workerId, grant.token).catch(() => false);
      this.queue(record, 'start failed');
    }
  }

  /** Where a session's actor picks up: the durable cursor where it has a chat, the in-memory one elsewhere. */
  async #resumePoint(record: SessionRecord): Promise<ResumeCursor | null> {
    const durable = this.durableCursor === null ? {} : await this.durableCursor(record.spec.actorId);
    record.cursor = record.cursor === null && Object.keys(durable).length === 0 ? null : { ...record.cursor, ...durable };
    return record.cursor;
  }

  /** Counts a restart of one session against its own restart intensity. */
  #restartAllowed(actorId: string): boolean {
    let intensity = this.#restarts.get(actorId);
    if (!intensity) {
      intensity = new RestartIntensity(this.#c.options.workerRestartIntensity, this.#c.options.restartPeriodMs);
      this.#restarts.set(actorId, intensity);
    }
    return intensity.allow(Date.now());
  }

  /**
   * The platform refused the start. Revoked credentials are final: the actor
   * is stopped, its lease released and the session left `revoked` for its
   * owner to relink. A failed start is retried by the maintenance loop within
   * the session's restart intensity, then left `failed`.
   */
  async #startRefused(record: SessionRecord, state: 'revoked' | 'failed'): Promise<void> {
    await this.stop(record);
    if (state === 'revoked') {
      this.setState(record, 'revoked');
      return;
    }
    const actorId = record.spec.actorId;
    if (this.#restartAllowed(actorId)) this.queue(record, 'start failed; retrying');
    else this.setState(record, 'failed', 'start keeps failing');
  }

  /**
   * Stops the actor, then releases its lease. If the worker is alive but the
   * stop fails, the lease is kept: the actor may still be connected, and only
   * its own lease keeper (or the worker's death) may end that.
   */
  async stop(record: SessionRecord): Promise<void> {
    const worker = record.workerId === null ? undefined : this.#c.fleet.get(record.workerId);
    let stopped = true;
    if (worker && worker.alive && occupiesWorker(record.state)) {
      this.#expectedStops.add(record.spec.actorId);
      try {
        record.cursor = await worker.call((api) => api.stopActor(record.spec.actorId));
      } catch (err) {
        stopped = !worker.alive;
        if (!stopped) this.#c.log.error({ err, actorId: record.spec.actorId }, 'actor did not stop; its lease is left to lapse');
      } finally {
        // Its `stopped` event travels the same channel ahead of the reply, so it has been seen by now.
        this.#expectedStops.delete(record.spec.actorId);
      }
    }
    if (worker && stopped && record.leaseToken !== null) {
      await this.#c.leases.release(record.spec.actorId, worker.workerId, record.leaseToken).catch(() => false);
    }
    record.workerId = null;
    record.threadIndex = null;
    record.leaseToken = null;
    this.setState(record, 'stopped');
  }

  /**
   * OTP restart types: an actor that failed, or stopped on its own, comes back
   * as its type says, within a per-session restart intensity; past it the
   * session is left `failed` for its owner and the operator to look at. A
   * `revoked` actor never comes back: its credentials were refused.
   */
  afterExit(record: SessionRecord, exit: ActorExit): void {
    const actorId = record.spec.actorId;
    const log = this.#c.log;
    const next = afterExit(record.spec.restart ?? 'permanent', exit);
    if (next !== 'restart') {
      void this.#c.serial(actorId, async () => {
        await this.stop(record);
        if (next === 'forget') this.#c.sessions.delete(actorId);
        else this.setState(record, exit);
      }).catch((err: unknown) => log.error({ err, actorId }, 'could not retire actor'));
      return;
    }
    if (!this.#restartAllowed(actorId)) {
      log.error({ actorId, userId: record.spec.userId }, 'actor keeps failing; left failed');
      return;
    }
    void this.#c.serial(actorId, async () => {
      if (this.#c.sessions.get(actorId) !== record) return;
      await this.stop(record);
      await this.#d.place(record);
    }).catch((err: unknown) => log.error({ err, actorId }, 'could not restart actor'));
  }

  queue(record: SessionRecord, reason: string): void {
    record.workerId = null;
    record.threadIndex = null;
    record.leaseToken = null;
    record.queuedReason = reason;
    this.setState(record, 'queued');
  }

  setState(record: SessionRecord, state: SessionRecord['state'], reason?: string): void {
    if (record.state === state) return;
    const from = record.state;
    record.state = state;
    if (state !== 'paused') record.pausedBy = null;
    const view = viewOf(record);
    this.#c.log.info({ actorId: view.actorId, userId: view.userId, tier: view.tier, workerId: view.workerId, from, to: state, reason: reason ?? view.queuedReason ?? undefined }, 'session state');
    this.#c.events()?.push({ type: 'session-state', supervisorId: this.#c.id, actorId: view.actorId, userId: view.userId, from, to: state, at: Date.now() });
    this.#d.onState(view, reason);
  }
}
