/**
 * The supervisor: forks worker processes, places session actors on them,
 * holds each session's cluster-wide lease, restarts what crashes (OTP style,
 * with restart intensity), pauses and resumes actors under RAM pressure, and
 * publishes its status every second. One per host, run by pm2.
 *
 * Lease owners are worker ids (unique in the cluster: `<supervisorId>-<boot>-w<n>`),
 * so a worker's threads renew the leases of their own actors, and when a
 * worker process is seen to exit its leases can be released at once: a dead
 * process holds no connection.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ActorSpec, ResumeCursor } from '../actors/actor-contract.ts';
import type { InboundMessage, SourceNotice } from '../actors/platform/platform-client.ts';
import { leaseStopMarginMs } from '../actors/runtime-timing.ts';
import { workerIdOf } from '../src/cluster/worker-id.ts';
import { RestartIntensity } from '../src/cluster/restart-intensity.ts';
import type { SchedulerMetrics } from '../src/scheduler/core/scheduler-metrics.ts';
import { SessionLeases } from '../src/cluster/session-lease.ts';
import { publishSnapshot, removeSnapshot } from '../src/cluster/snapshot-store.ts';
import type { RedisHealth, SessionSnapshot, SupervisorSnapshot } from '../src/cluster/status-snapshot.ts';
import {
  SessionExistsError,
  SessionNotFoundError,
  SessionStateConflictError,
  SupervisorStoppingError,
  WorkerNotFoundError,
} from '../src/errors/registry.ts';
import { memoryTotals, type HostMemory, type ResolvedPressureOptions } from './policy/pressure-policy.ts';
import { PlacementPolicy, planDrain, type WorkerLoad } from './policy/placement.ts';
import { PressureLoop } from './pressure-loop.ts';
import { EventBuffer } from './event-buffer.ts';
import { every } from './periodic.ts';
import { KeyedSerial } from './keyed-serial.ts';
import { afterExit, type ActorExit } from './restart-policy.ts';
import { requestScaleOut, publishClusterEvent } from './scale-out.ts';
import { occupiesWorker, SessionTable, viewOf, type SessionRecord } from './session-table.ts';
import { resolveSupervisorOptions, type ResolvedSupervisorOptions, type SupervisorOptions } from './supervisor-options.ts';
import { WorkerHandle } from './worker-handle.ts';
import type { WorkerEvent, WorkerOptions } from './worker-protocol.ts';
import { readHostMemory } from './host-memory.ts';
import { RedisStallWatch } from './redis-stall-watch.ts';
import { CpuMeter } from '../src/infra/cpu-meter.ts';

export interface SupervisorDeps {
  /** Redis for leases, status and events; its keyPrefix namespaces everything. */
  redis: Redis;
  redisUrl: string | null;
  redisKeyPrefix: string;
  logger: Logger;
  options?: SupervisorOptions;
  /** Host memory source. Default: systeminformation's `mem()`. */
  hostMemory?: () => Promise<HostMemory>;
}

export interface SupervisorEvents {
  /** Every session state change, as the snapshot would show it, with the actor's reason when it gave one (why it was revoked). */
  session: [SessionSnapshot, reason: string | undefined];
  /** Restart intensity exceeded: the process must exit non-zero so pm2 restarts it. */
  escalate: [reason: string];
  'worker-exit': [workerId: string];
  /** A message arrived in a chat an actor watches (the forwarding engine's input). */
  inbound: [actorId: string, message: InboundMessage];
  /** Cursor entries beyond chat positions, reached once the actor's earlier inbound messages are accepted. */
  positions: [actorId: string, positions: ResumeCursor];
  /** Something about an actor's watched chats its pairs' owners should know. */
  notice: [actorId: string, notice: SourceNotice];
}

export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly options: ResolvedSupervisorOptions;
  readonly sessions = new SessionTable();
  /** Figures of the forwarding queue this supervisor feeds, for its status snapshot. */
  queueMetrics: (() => SchedulerMetrics) | null = null;
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
  readonly leases: SessionLeases;
  readonly #deps: SupervisorDeps;
  readonly #log: Logger;
  readonly #workers = new Map<string, WorkerHandle>();
  readonly #placement: PlacementPolicy;
  readonly #workerRestarts: RestartIntensity;
  readonly #pressure: PressureLoop;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #startedAt = Date.now();
  #workerSeq = 0;
  readonly #bootId = randomBytes(3).toString('hex');
  /** Workers being forked right now, so the maintenance loop does not fork them twice. */
  #spawning = 0;
  #stopping = false;
  #host: HostMemory = { totalBytes: 1, availableBytes: 1 };
  #redisWatch: RedisStallWatch | null = null;
  #redisStalls = 0;
  readonly #cpu = new CpuMeter();
  #lastRedisStall: RedisHealth['lastStall'] = null;
  #publishing = false;
  /** Operations per session (and per user, for placement), one at a time each. */
  readonly #ops = new KeyedSerial();
  /**
   * Actors this supervisor is stopping itself (a move, a pause, a removal),
   * possibly under another session's operation (a user's group moving with a
   * new session): their `stopped` event is expected, not a failure to restart.
   */
  readonly #expectedStops = new Set<string>();
  /** Restarts of each session after its actor failed or stopped on its own. */
  readonly #actorRestarts = new Map<string, RestartIntensity>();
  #events: EventBuffer | null = null;

  constructor(deps: SupervisorDeps) {
    super();
    this.options = resolveSupervisorOptions(deps.options);
    this.#deps = deps;
    this.#log = deps.logger.child({ supervisorId: this.options.supervisorId });
    this.leases = new SessionLeases(deps.redis, {
      ttlMs: this.options.leaseTtlMs,
      renewIntervalMs: this.options.leaseRenewMs,
      stopMarginMs: leaseStopMarginMs(this.options.leaseTtlMs, this.options.leaseRenewMs),
    });
    this.#placement = new PlacementPolicy({ maxWorkers: this.options.maxWorkers });
    this.#workerRestarts = new RestartIntensity(this.options.workerRestartIntensity, this.options.restartPeriodMs);
    this.#pressure = new PressureLoop(this, this.options.pressure, this.#log);
  }

  get id(): string {
    return this.options.supervisorId;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  workers(): WorkerHandle[] {
    return [...this.#workers.values()];
  }

  /** Forks the initial workers and starts the periodic loops. */
  async start(): Promise<void> {
    this.#events = new EventBuffer(this.#deps.redis, (err) => this.#log.warn({ err }, 'could not publish cluster events'));
    this.#redisWatch = new RedisStallWatch(this.#deps.redis, { onStall: (e) => this.#onRedisStall(e) });
    this.#redisWatch.start();
    await Promise.all(Array.from({ length: this.options.workers }, () => this.#spawnWorker()));
    this.#host = await this.#readHost();
    this.#every(this.options.statusIntervalMs, () => this.#statusTick());
    this.#every(this.options.pressureIntervalMs, () => this.#pressureTick());
    this.#every(this.options.healthIntervalMs, () => this.#healthTick());
    this.#every(this.options.memoryLogIntervalMs, async () => this.#logMemory());
    this.#every(Math.max(1_000, this.options.leaseRenewMs), () => this.#maintain());
    await this.#statusTick();
    this.#log.info({ workers: this.#workers.size }, 'supervisor started');
  }

  /**
   * How long Redis has not answered, ms, once that counts as a stall; null
   * while it answers. Meanwhile nothing new is accepted (it waits, to be
   * accepted or re-read later) and leases may run out.
   */
  redisStalledForMs(): number | null {
    return this.#redisWatch?.stalledForMs() ?? null;
  }

  /** The current stall, if any, and the stalls since start. */
  redisHealth(): RedisHealth {
    return { stalledForMs: this.redisStalledForMs(), stalls: this.#redisStalls, lastStall: this.#lastRedisStall };
  }

  #onRedisStall(e: { stalled: boolean; stalledMs: number }): void {
    if (e.stalled) this.#redisStalls += 1;
    else this.#lastRedisStall = { endedAt: Date.now(), stalledMs: e.stalledMs };
    // Warned at both ends: while it lasts nothing reaches Redis, the events stream included.
    if (e.stalled) this.#log.warn({ stalledMs: e.stalledMs }, 'Redis is not answering: forwarding waits, nothing new is accepted until it does');
    else this.#log.warn({ stalledMs: e.stalledMs }, 'Redis answers again after a stall');
    this.#events?.push({ type: e.stalled ? 'redis-stall' : 'redis-stall-ended', supervisorId: this.id, stalledMs: e.stalledMs, at: Date.now() });
  }

  // --- sessions ----------------------------------------------------------

  /**
   * Takes responsibility for a session and starts its actor where placement
   * says, watching `watch` and catching up from `cursor` (the last source
   * message accepted per chat, e.g. as a previous supervisor left it).
   */
  async addSession(spec: ActorSpec, start: { cursor?: ResumeCursor; watch?: readonly string[] } = {}): Promise<SessionSnapshot> {
    if (this.#stopping) throw new SupervisorStoppingError({});
    if (this.sessions.get(spec.actorId)) throw new SessionExistsError({ sessionId: spec.actorId });
    const record = this.sessions.add(spec, Date.now());
    record.cursor = start.cursor ?? null;
    record.watched = [...(start.watch ?? [])];
    return this.#serial(spec.actorId, async () => {
      await this.#placeForUser(record);
      return viewOf(record);
    });
  }

  /** Stops a session's actor for good and releases its lease. */
  async removeSession(actorId: string): Promise<void> {
    this.#record(actorId);
    return this.#serial(actorId, async () => {
      const record = this.sessions.get(actorId);
      if (!record) return;
      await this.#stopActor(record);
      this.sessions.delete(actorId);
      this.#actorRestarts.delete(actorId);
    });
  }

  /**
   * Sets the chats a session's actor reports messages from (its pairs'
   * sources); kept across restarts and moves. A newly watched chat with a
   * cursor position is caught up from it.
   */
  watch(actorId: string, chatIds: readonly string[], cursor: ResumeCursor = {}): Promise<void> {
    return this.#serial(actorId, async () => {
      const record = this.#record(actorId);
      record.watched = [...chatIds];
      record.cursor = { ...cursor, ...record.cursor };
      const worker = record.workerId === null ? undefined : this.#workers.get(record.workerId);
      if (worker && (record.state === 'running' || record.state === 'idle')) {
        await worker.call((api) => api.watch(actorId, [...chatIds]));
      }
    });
  }

  pauseSession(actorId: string, by: 'admin' | 'pressure' = 'admin'): Promise<SessionSnapshot> {
    return this.#serial(actorId, () => this.#pause(this.#record(actorId), by));
  }

  async #pause(record: SessionRecord, by: 'admin' | 'pressure'): Promise<SessionSnapshot> {
    const actorId = record.spec.actorId;
    if (record.state === 'paused') {
      // An admin pause outranks a pressure pause, so pressure never resumes it.
      if (by === 'admin') record.pausedBy = 'admin';
      return viewOf(record);
    }
    if (record.state !== 'running' && record.state !== 'idle') {
      throw new SessionStateConflictError({ sessionId: actorId, state: record.state, action: 'pause' });
    }
    const worker = this.#workerOf(record);
    record.cursor = await worker.call((api) => api.pauseActor(actorId));
    record.pausedBy = by;
    this.#setState(record, 'paused');
    return viewOf(record);
  }

  resumeSession(actorId: string): Promise<SessionSnapshot> {
    return this.#serial(actorId, () => this.#resume(this.#record(actorId)));
  }

  async #resume(record: SessionRecord): Promise<SessionSnapshot> {
    const actorId = record.spec.actorId;
    if (record.state !== 'paused') {
      throw new SessionStateConflictError({ sessionId: actorId, state: record.state, action: 'resume' });
    }
    const worker = this.#workerOf(record);
    // The lease may have lapsed while paused; the same owner gets it back with its token.
    const grant = await this.leases.acquire(actorId, worker.workerId);
    if (grant === null) {
      await worker.call((api) => api.stopActor(actorId)).catch(() => null);
      this.#queue(record, 'lease held elsewhere');
      return viewOf(record);
    }
    record.leaseToken = grant.token;
    record.pausedBy = null;
    const cursor = await this.#resumePoint(record);
    const state = await worker.call((api) => api.resumeActor(actorId, cursor ?? {}));
    this.#setState(record, state);
    return viewOf(record);
  }

  idleSession(actorId: string): Promise<void> {
    return this.#serial(actorId, async () => {
      const record = this.#record(actorId);
      if (record.state !== 'running') return;
      await this.#workerOf(record).call((api) => api.idleActor(actorId));
      this.#setState(record, 'idle');
    });
  }

  /** Moves a session to another worker: stop (cursor kept), hand the lease over, start. */
  reassignSession(actorId: string, toWorkerId: string): Promise<SessionSnapshot> {
    return this.#serial(actorId, async () => {
      const record = this.#record(actorId);
      const target = this.#workers.get(toWorkerId);
      if (!target || !target.alive) throw new WorkerNotFoundError({ workerId: toWorkerId });
      if (record.workerId === toWorkerId) return viewOf(record);
      await this.#stopActor(record);
      await this.#startOn(record, target);
      return viewOf(record);
    });
  }

  /** Empties a worker (every user group moved whole), then stops it. */
  async drainWorker(workerId: string): Promise<{ moved: number; unplaced: number }> {
    const worker = this.#workers.get(workerId);
    if (!worker || !worker.alive) throw new WorkerNotFoundError({ workerId });
    worker.state = 'draining';
    const records = this.sessions.onWorker(workerId);
    const groups = new Map<string, { userId: string; sessions: number; memoryBytes: number }>();
    for (const r of records) {
      const g = groups.get(r.spec.userId) ?? { userId: r.spec.userId, sessions: 0, memoryBytes: 0 };
      g.sessions += 1;
      g.memoryBytes += r.memoryBytes;
      groups.set(r.spec.userId, g);
    }
    const load = this.#loads();
    const self = load.find((w) => w.workerId === workerId) as WorkerLoad;
    const plan = planDrain({ ...self, groups: [...groups.values()] }, load);
    let moved = 0;
    for (const move of plan.moves) {
      for (const r of this.sessions.ofUser(move.userId).filter((x) => x.workerId === workerId)) {
        await this.reassignSession(r.spec.actorId, move.toWorkerId);
        moved += 1;
      }
    }
    let unplaced = 0;
    for (const group of plan.unplaced) {
      for (const r of this.sessions.ofUser(group.userId).filter((x) => x.workerId === workerId)) {
        await this.#stopActor(r);
        this.#queue(r, 'worker drained; no room elsewhere');
        unplaced += 1;
      }
    }
    if (this.sessions.onWorker(workerId).length === 0) await this.#retireWorker(worker);
    return { moved, unplaced };
  }

  setPressure(options: { highWatermark?: number; lowWatermark?: number; pauseElite?: boolean }): void {
    this.#pressure.reconfigure(options);
  }

  pressureOptions(): ResolvedPressureOptions {
    return this.#pressure.options;
  }

  // --- status ------------------------------------------------------------

  snapshot(): SupervisorSnapshot {
    const used = this.#host.totalBytes - this.#host.availableBytes;
    return {
      supervisorId: this.id,
      pid: process.pid,
      hostname: hostname(),
      startedAt: this.#startedAt,
      publishedAt: Date.now(),
      host: { ...this.#host, usedFraction: used / this.#host.totalBytes },
      cpuPercent: this.#cpu.sample(),
      pressure: {
        highWatermark: this.#pressure.options.highWatermark,
        lowWatermark: this.#pressure.options.lowWatermark,
        pauseElite: this.#pressure.options.pauseElite,
      },
      workers: this.workers().map((w) => ({
        workerId: w.workerId,
        pid: w.pid,
        state: w.state,
        rssBytes: w.lastStatus?.rssBytes ?? 0,
        cpuPercent: w.lastStatus?.cpuPercent ?? 0,
        sessions: this.sessions.onWorker(w.workerId).filter((r) => occupiesWorker(r.state)).length,
        sessionLimit: this.options.sessionsPerWorker,
        ramCapBytes: this.options.workerRamCapBytes,
        restarts: w.options.workerId === w.workerId ? this.#workerRestarts.recent : 0,
        threads: w.lastStatus?.threads ?? [],
      })),
      sessions: this.sessions.snapshot(),
      queue: this.queueMetrics?.() ?? null,
      redis: this.redisHealth(),
    };
  }

  hostMemory(): HostMemory {
    return this.#host;
  }

  // --- shutdown ----------------------------------------------------------

  /**
   * Graceful stop: no new placements, loops stopped, then every worker stops
   * its actors (in-flight sends drained, cursors checkpointed) within the
   * worker shutdown timeout or is killed, and every lease is released.
   */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    for (const t of this.#timers) clearInterval(t);
    this.#redisWatch?.stop();
    const started = Date.now();
    await Promise.all(
      this.workers().map(async (w) => {
        const cursors = await w.shutdown(this.options.workerShutdownTimeoutMs);
        for (const [actorId, cursor] of Object.entries(cursors)) {
          const r = this.sessions.get(actorId);
          if (r) r.cursor = cursor;
        }
        await this.#releaseLeasesOf(w.workerId);
      }),
    );
    for (const r of this.sessions.all()) if (r.state !== 'revoked') r.state = 'stopped';
    await this.#events?.close();
    await removeSnapshot(this.#deps.redis, this.id).catch(() => {});
    this.#log.info({ ms: Date.now() - started }, 'supervisor stopped');
  }

  // --- internals: workers ------------------------------------------------

  async #spawnWorker(): Promise<WorkerHandle> {
    this.#spawning += 1;
    try {
      return await this.#forkWorker();
    } finally {
      this.#spawning -= 1;
    }
  }

  async #forkWorker(): Promise<WorkerHandle> {
    this.#workerSeq += 1;
    const options: WorkerOptions = {
      // The boot id keeps worker ids (the lease owners) unique across restarts of
      // a supervisor with a fixed id: a new worker must never pass for an old one
      // whose process may still be stopping.
      workerId: workerIdOf(this.id, this.#bootId, this.#workerSeq),
      threads: this.options.threadsPerWorker,
      threadMaxOldGenerationMb: this.options.threadMaxOldGenerationMb,
      threadRestartIntensity: this.options.threadRestartIntensity,
      restartPeriodMs: this.options.restartPeriodMs,
      redisUrl: this.#deps.redisUrl,
      redisKeyPrefix: this.#deps.redisKeyPrefix,
      leaseTtlMs: this.options.leaseTtlMs,
      leaseRenewMs: this.options.leaseRenewMs,
      ...(this.options.loopback !== null ? { loopback: this.options.loopback } : {}),
      ...(this.options.discordApiUrl !== null ? { discordApiUrl: this.options.discordApiUrl } : {}),
      discordInvalidRequestLimit: this.options.discordInvalidRequestLimit,
      ...(this.options.telegram !== null ? { telegram: this.options.telegram } : {}),
    };
    const handle = new WorkerHandle(options, this.#log);
    this.#workers.set(handle.workerId, handle);
    handle.on('event', (event) => this.#onWorkerEvent(event));
    handle.once('exit', () => void this.#onWorkerExit(handle));
    // The first answered call proves the worker and its pool are up.
    handle.lastStatus = await handle.call((api) => api.status());
    handle.state = 'running';
    this.#log.info({ workerId: handle.workerId, pid: handle.pid }, 'worker started');
    return handle;
  }

  async #onWorkerExit(handle: WorkerHandle): Promise<void> {
    this.#workers.delete(handle.workerId);
    this.emit('worker-exit', handle.workerId);
    if (this.#stopping || handle.state === 'stopping') return;
    const orphans = this.sessions.onWorker(handle.workerId);
    this.#log.error({ workerId: handle.workerId, sessions: orphans.length }, 'worker crashed');
    const graceEnds = Date.now() + this.options.orphanGraceMs;
    for (const r of orphans) {
      if (r.spec.restart === 'temporary') {
        this.sessions.delete(r.spec.actorId);
        continue;
      }
      this.#queue(r, 'worker crashed');
      r.placeNotBefore = graceEnds;
    }
    if (!this.#workerRestarts.allow(Date.now())) {
      const reason = `more than ${this.options.workerRestartIntensity} worker crashes within ${this.options.restartPeriodMs} ms`;
      this.#log.fatal({ reason }, 'restart intensity exceeded; escalating');
      this.emit('escalate', reason);
      return;
    }
    await publishClusterEvent(this.#deps.redis, 'worker-crashed', { supervisorId: this.id, workerId: handle.workerId }).catch(() => {});
    // The replacement comes up during the grace period; then the process's
    // leases go (it holds no connection any more) and live workers take the orphans.
    const replacement = this.#spawnWorker().catch((err: unknown) => this.#log.error({ err }, 'could not replace worker'));
    await new Promise((resolve) => setTimeout(resolve, this.options.orphanGraceMs));
    await Promise.all(orphans.map((r) => this.leases.forceRelease(r.spec.actorId, handle.workerId).catch(() => false)));
    await this.#placeQueued();
    await replacement;
    await this.#placeQueued();
  }

  async #retireWorker(worker: WorkerHandle): Promise<void> {
    await worker.shutdown(this.options.workerShutdownTimeoutMs);
    this.#workers.delete(worker.workerId);
  }

  #onWorkerEvent(event: WorkerEvent): void {
    switch (event.type) {
      case 'actor_state': {
        const r = this.sessions.get(event.actorId);
        if (!r || r.workerId !== event.workerId) return;
        if (event.to !== 'revoked' && event.to !== 'failed' && event.to !== 'stopped') return;
        this.#setState(r, event.to, event.reason);
        if (!this.#ops.busy(event.actorId) && !this.#expectedStops.has(event.actorId) && !this.#stopping) this.#afterActorExit(r, event.to);
        return;
      }
      case 'lease_lost': {
        const r = this.sessions.get(event.actorId);
        if (r && r.workerId === event.workerId) this.#queue(r, 'lease lost');
        return;
      }
      case 'thread_died':
        this.#log.warn({ workerId: event.workerId, threadIndex: event.threadIndex, error: event.error, actors: event.actorIds.length }, 'thread died');
        return;
      case 'thread_restarted':
        this.#log.info({ workerId: event.workerId, threadIndex: event.threadIndex, actors: event.actorIds.length }, 'thread restarted');
        return;
      case 'escalate':
        this.#log.error({ workerId: event.workerId, reason: event.reason }, 'worker escalated');
        return;
      case 'inbound': {
        // Only the actor's current placement speaks for it: a fenced copy may still be draining.
        const r = this.sessions.get(event.actorId);
        if (r && r.workerId === event.workerId) this.emit('inbound', event.actorId, event.message);
        return;
      }
      case 'positions': {
        const r = this.sessions.get(event.actorId);
        if (r && r.workerId === event.workerId) this.emit('positions', event.actorId, event.positions);
        return;
      }
      case 'notice': {
        const r = this.sessions.get(event.actorId);
        if (r && r.workerId === event.workerId) this.emit('notice', event.actorId, event.notice);
        return;
      }
    }
  }

  /**
   * OTP restart types: an actor that failed, or stopped on its own, comes back
   * as its type says, within a per-session restart intensity; past it the
   * session is left `failed` for its owner and the operator to look at. A
   * `revoked` actor never comes back: its credentials were refused.
   */
  #afterActorExit(record: SessionRecord, exit: ActorExit): void {
    const actorId = record.spec.actorId;
    const next = afterExit(record.spec.restart ?? 'permanent', exit);
    if (next !== 'restart') {
      void this.#serial(actorId, async () => {
        await this.#stopActor(record);
        if (next === 'forget') this.sessions.delete(actorId);
        else this.#setState(record, exit);
      }).catch((err: unknown) => this.#log.error({ err, actorId }, 'could not retire actor'));
      return;
    }
    if (!this.#restartAllowed(actorId)) {
      this.#log.error({ actorId, userId: record.spec.userId }, 'actor keeps failing; left failed');
      return;
    }
    void this.#serial(actorId, async () => {
      if (this.sessions.get(actorId) !== record) return;
      await this.#stopActor(record);
      await this.#placeForUser(record);
    }).catch((err: unknown) => this.#log.error({ err, actorId }, 'could not restart actor'));
  }

  // --- internals: placement ----------------------------------------------

  #loads(): WorkerLoad[] {
    return this.workers()
      .filter((w) => w.alive && w.state !== 'stopping')
      .map((w) => ({
        workerId: w.workerId,
        sessionLimit: this.options.sessionsPerWorker,
        ramCapBytes: this.options.workerRamCapBytes,
        sessions: this.sessions.onWorker(w.workerId).filter((r) => occupiesWorker(r.state)).length,
        memoryBytes: w.lastStatus?.rssBytes ?? 0,
        draining: w.state === 'draining' || w.state === 'starting',
      }));
  }

  /** Placements of one user's sessions run one at a time, so they land on one worker. */
  #placeForUser(record: SessionRecord): Promise<void> {
    return this.#serial(`user:${record.spec.userId}`, () => this.#place(record));
  }

  async #place(record: SessionRecord): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const userWorker = this.sessions.workerOfUser(record.spec.userId);
      const group = userWorker === null ? [] : this.sessions.ofUser(record.spec.userId).filter((r) => r.workerId === userWorker);
      const decision = this.#placement.place(
        {
          userId: record.spec.userId,
          expectedBytes: this.options.expectedSessionBytes,
          ...(userWorker !== null
            ? { currentGroup: { workerId: userWorker, sessions: group.length, memoryBytes: group.reduce((s, r) => s + r.memoryBytes, 0) } }
            : {}),
        },
        { workers: this.#loads(), hostHasHeadroom: this.#host.availableBytes > this.options.spawnHeadroomBytes },
      );
      switch (decision.kind) {
        case 'place':
          return this.#startOn(record, this.#workers.get(decision.workerId) as WorkerHandle);
        case 'move-group': {
          const target = this.#workers.get(decision.toWorkerId) as WorkerHandle;
          for (const r of group) {
            await this.#stopActor(r);
            await this.#startOn(r, target);
          }
          return this.#startOn(record, target);
        }
        case 'spawn-worker':
          // A worker already coming up (a crash replacement) will have room: wait for it.
          if (this.#spawning > 0) {
            this.#queue(record, 'waiting for a worker to start');
            return;
          }
          await this.#spawnWorker();
          continue;
        case 'queue':
          this.#queue(record, `scale-out requested (${decision.cause})`);
          await requestScaleOut(this.#deps.redis, this.#log, this.options.scaleOutWebhookUrl, {
            supervisorId: this.id,
            sessionId: record.spec.actorId,
            userId: record.spec.userId,
            cause: decision.cause,
            workers: this.#workers.size,
            queued: this.sessions.queued().length,
          });
          return;
      }
    }
    this.#queue(record, 'placement did not settle');
  }

  async #startOn(record: SessionRecord, worker: WorkerHandle): Promise<void> {
    const grant = await this.leases.acquire(record.spec.actorId, worker.workerId);
    if (grant === null) {
      this.#queue(record, 'lease held elsewhere');
      return;
    }
    record.workerId = worker.workerId;
    record.leaseToken = grant.token;
    record.queuedReason = null;
    this.#setState(record, 'starting');
    try {
      await this.beforeStart?.(record.spec.actorId);
      const cursor = await this.#resumePoint(record);
      const started = await worker.call((api) => api.startActor({ ...record.spec, fencingToken: grant.token }, cursor));
      record.threadIndex = started.threadIndex;
      this.#setState(record, started.state);
      if (started.state === 'revoked' || started.state === 'failed') await this.#startRefused(record, started.state);
      else if (record.watched.length > 0) await worker.call((api) => api.watch(record.spec.actorId, [...record.watched]));
    } catch (err) {
      if ((err as { code?: string }).code === 'actor_exists') {
        // Already running there under this worker's lease: adopt it rather than release a lease in use.
        this.#log.warn({ actorId: record.spec.actorId, workerId: worker.workerId }, 'actor was already running on its worker');
        this.#setState(record, 'running');
        return;
      }
      this.#log.warn({ err, actorId: record.spec.actorId, workerId: worker.workerId }, 'actor did not start');
      await this.leases.release(record.spec.actorId, worker.workerId, grant.token).catch(() => false);
      this.#queue(record, 'start failed');
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
    let intensity = this.#actorRestarts.get(actorId);
    if (!intensity) {
      intensity = new RestartIntensity(this.options.workerRestartIntensity, this.options.restartPeriodMs);
      this.#actorRestarts.set(actorId, intensity);
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
    await this.#stopActor(record);
    if (state === 'revoked') {
      this.#setState(record, 'revoked');
      return;
    }
    const actorId = record.spec.actorId;
    if (this.#restartAllowed(actorId)) this.#queue(record, 'start failed; retrying');
    else this.#setState(record, 'failed', 'start keeps failing');
  }

  /**
   * Stops the actor, then releases its lease. If the worker is alive but the
   * stop fails, the lease is kept: the actor may still be connected, and only
   * its own lease keeper (or the worker's death) may end that.
   */
  async #stopActor(record: SessionRecord): Promise<void> {
    const worker = record.workerId === null ? undefined : this.#workers.get(record.workerId);
    let stopped = true;
    if (worker && worker.alive && occupiesWorker(record.state)) {
      this.#expectedStops.add(record.spec.actorId);
      try {
        record.cursor = await worker.call((api) => api.stopActor(record.spec.actorId));
      } catch (err) {
        stopped = !worker.alive;
        if (!stopped) this.#log.error({ err, actorId: record.spec.actorId }, 'actor did not stop; its lease is left to lapse');
      } finally {
        // Its `stopped` event travels the same channel ahead of the reply, so it has been seen by now.
        this.#expectedStops.delete(record.spec.actorId);
      }
    }
    if (worker && stopped && record.leaseToken !== null) {
      await this.leases.release(record.spec.actorId, worker.workerId, record.leaseToken).catch(() => false);
    }
    record.workerId = null;
    record.threadIndex = null;
    record.leaseToken = null;
    this.#setState(record, 'stopped');
  }

  /** Keeps the configured number of workers (a failed replacement is retried) and places what waits. */
  async #maintain(): Promise<void> {
    const live = this.workers().filter((w) => w.alive && w.state !== 'stopping' && w.state !== 'draining').length;
    for (let missing = this.options.workers - live - this.#spawning; missing > 0 && !this.#stopping; missing--) {
      await this.#spawnWorker().catch((err: unknown) => this.#log.error({ err }, 'could not start worker'));
    }
    await this.#placeQueued();
  }

  async #placeQueued(): Promise<void> {
    if (this.#stopping) return;
    for (const r of this.sessions.queued()) {
      if (this.#stopping) return;
      if (r.placeNotBefore > Date.now()) continue;
      await this.#serial(r.spec.actorId, async () => {
        // Removed or placed by someone else while this one waited its turn.
        if (this.sessions.get(r.spec.actorId) !== r || r.state !== 'queued') return;
        await this.#placeForUser(r);
      }).catch((err: unknown) => this.#log.error({ err, actorId: r.spec.actorId }, 'placement failed'));
    }
  }

  async #releaseLeasesOf(workerId: string): Promise<void> {
    await Promise.all(
      this.sessions.onWorker(workerId).map((r) => this.leases.forceRelease(r.spec.actorId, workerId).catch(() => false)),
    );
  }

  #queue(record: SessionRecord, reason: string): void {
    record.workerId = null;
    record.threadIndex = null;
    record.leaseToken = null;
    record.queuedReason = reason;
    this.#setState(record, 'queued');
  }

  #setState(record: SessionRecord, state: SessionRecord['state'], reason?: string): void {
    if (record.state === state) return;
    const from = record.state;
    record.state = state;
    if (state !== 'paused') record.pausedBy = null;
    const view = viewOf(record);
    this.#log.info({ actorId: view.actorId, userId: view.userId, tier: view.tier, workerId: view.workerId, from, to: state, reason: reason ?? view.queuedReason ?? undefined }, 'session state');
    this.#events?.push({ type: 'session-state', supervisorId: this.id, actorId: view.actorId, userId: view.userId, from, to: state, at: Date.now() });
    this.emit('session', view, reason);
  }

  #serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.#ops.run(key, fn);
  }

  #record(actorId: string): SessionRecord {
    const r = this.sessions.get(actorId);
    if (!r) throw new SessionNotFoundError({ sessionId: actorId });
    return r;
  }

  #workerOf(record: SessionRecord): WorkerHandle {
    const w = record.workerId === null ? undefined : this.#workers.get(record.workerId);
    if (!w) throw new SessionStateConflictError({ sessionId: record.spec.actorId, state: record.state, action: 'reach' });
    return w;
  }

  // --- internals: loops --------------------------------------------------

  #every(ms: number, fn: () => Promise<void>): void {
    this.#timers.push(every(ms, fn, () => this.#stopping, (err) => this.#log.error({ err }, 'supervisor loop failed')));
  }

  async #readHost(): Promise<HostMemory> {
    return (this.#deps.hostMemory ?? readHostMemory)();
  }

  async #statusTick(): Promise<void> {
    if (this.#publishing) return;
    this.#publishing = true;
    try {
      this.#host = await this.#readHost();
      await Promise.all(
        this.workers()
          .filter((w) => w.alive && w.state !== 'stopping')
          .map(async (w) => {
            const status = await w.call((api) => api.status()).catch(() => null);
            if (status === null) return;
            w.lastStatus = status;
            for (const a of status.actors) {
              const r = this.sessions.get(a.actorId);
              if (!r || r.workerId !== w.workerId) continue;
              r.memoryBytes = a.memoryBytes;
              // A worker that has not measured an actor yet reports 0: never move activity backwards.
              r.lastActivityAt = Math.max(r.lastActivityAt, a.lastActivityAt);
              r.threadIndex = a.threadIndex;
            }
          }),
      );
      await publishSnapshot(this.#deps.redis, this.snapshot(), this.options.statusIntervalMs * 5);
    } finally {
      this.#publishing = false;
    }
  }

  async #pressureTick(): Promise<void> {
    this.#host = await this.#readHost();
    await this.#pressure.tick(Date.now());
  }

  /** Memory per worker and the heaviest users at info; every actor's figure at debug. */
  #logMemory(): void {
    const totals = memoryTotals(this.#pressure.snapshot());
    const topUsers = Object.entries(totals.byUser).sort((x, y) => y[1] - x[1]).slice(0, 20);
    this.#log.info({ host: totals.host, workers: totals.byWorker, topUsers: Object.fromEntries(topUsers) }, 'memory');
    if (this.#log.isLevelEnabled('debug')) this.#log.debug({ actors: totals.byActor }, 'memory per actor');
  }

  async #healthTick(): Promise<void> {
    await Promise.all(
      this.workers()
        .filter((w) => w.alive && w.state === 'running')
        .map(async (w) => {
          const result = await w.call((api) => api.healthCheck()).catch(() => null);
          if (result && (result.reconnected.length > 0 || result.restarted.length > 0)) {
            this.#log.warn({ workerId: w.workerId, ...result }, 'health check repaired actors');
          }
        }),
    );
  }
}
