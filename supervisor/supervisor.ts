/**
 * The supervisor: forks worker processes, places session actors on them,
 * holds each session's cluster-wide lease, restarts what crashes (OTP style,
 * with restart intensity), pauses and resumes actors under RAM pressure, and
 * publishes its status every second. One per host, run by pm2.
 *
 * This class composes the parts and keeps the public face: the worker fleet
 * (worker-fleet.ts), where sessions run (session-placement.ts), each actor's
 * lifecycle and restarts (actor-lifecycle.ts), what workers report
 * (worker-events.ts), its status (supervisor-status.ts), Redis stalls
 * (redis-health.ts) and RAM pressure (pressure-loop.ts).
 */
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ActorSpec, ResumeCursor } from '../src/runtime-contracts/actor-contract.ts';
import type { InboundMessage, SourceNotice } from '../src/runtime-contracts/inbound-message.ts';
import { leaseStopMarginMs } from '../actors/runtime-timing.ts';
import type { SchedulerMetrics } from '../src/scheduler/core/scheduler-metrics.ts';
import { SessionLeases } from '../src/cluster/session-lease.ts';
import { removeSnapshot } from '../src/cluster/snapshot-store.ts';
import type { OwnershipSnapshot, RedisHealth, SessionSnapshot, SupervisorSnapshot } from '../src/cluster/status-snapshot.ts';
import { SessionExistsError, SupervisorStoppingError } from '../src/errors/registry.ts';
import type { HostMemory, ResolvedPressureOptions } from './policy/pressure-policy.ts';
import { ActorLifecycle } from './actor-lifecycle.ts';
import { EventBuffer } from './event-buffer.ts';
import { every } from './periodic.ts';
import { KeyedSerial } from './keyed-serial.ts';
import { PressureLoop } from './pressure-loop.ts';
import { RedisHealthWatch } from './redis-health.ts';
import { SessionPlacement } from './session-placement.ts';
import { SessionTable, viewOf } from './session-table.ts';
import type { SupervisorContext } from './supervisor-context.ts';
import { resolveSupervisorOptions, type ResolvedSupervisorOptions, type SupervisorOptions } from './supervisor-options.ts';
import { SupervisorStatus } from './supervisor-status.ts';
import { WorkerFleet } from './worker-fleet.ts';
import type { WorkerHandle } from './worker-handle.ts';
import { routeWorkerEvent } from './worker-events.ts';

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
  readonly leases: SessionLeases;
  readonly #log: Logger;
  readonly #redis: Redis;
  readonly #fleet: WorkerFleet;
  readonly #actors: ActorLifecycle;
  readonly #placement: SessionPlacement;
  readonly #status: SupervisorStatus;
  readonly #redisHealth: RedisHealthWatch;
  readonly #pressure: PressureLoop;
  readonly #timers: NodeJS.Timeout[] = [];
  /** Operations per session (and per user, for placement), one at a time each. */
  readonly #ops = new KeyedSerial();
  #stopping = false;
  #events: EventBuffer | null = null;

  constructor(deps: SupervisorDeps) {
    super();
    this.options = resolveSupervisorOptions(deps.options);
    this.#redis = deps.redis;
    this.#log = deps.logger.child({ supervisorId: this.options.supervisorId });
    this.leases = new SessionLeases(deps.redis, {
      ttlMs: this.options.leaseTtlMs,
      renewIntervalMs: this.options.leaseRenewMs,
      stopMarginMs: leaseStopMarginMs(this.options.leaseTtlMs, this.options.leaseRenewMs),
    });
    this.#fleet = new WorkerFleet({
      supervisorId: this.id, options: this.options, redis: deps.redis, redisUrl: deps.redisUrl, redisKeyPrefix: deps.redisKeyPrefix, log: this.#log,
      onEvent: (event) => routeWorkerEvent(event, context, this.#actors, {
        inbound: (actorId, message) => this.emit('inbound', actorId, message),
        positions: (actorId, positions) => this.emit('positions', actorId, positions),
        notice: (actorId, notice) => this.emit('notice', actorId, notice),
      }),
      onExit: (handle) => void this.#onWorkerExit(handle),
      onEscalate: (reason) => this.emit('escalate', reason),
    });
    const context: SupervisorContext = {
      id: this.id, options: this.options, log: this.#log, redis: deps.redis, sessions: this.sessions, leases: this.leases, fleet: this.#fleet,
      stopping: () => this.#stopping,
      events: () => this.#events,
      serial: (key, fn) => this.#ops.run(key, fn),
      busy: (key) => this.#ops.busy(key),
    };
    this.#actors = new ActorLifecycle(context, {
      onState: (view, reason) => this.emit('session', view, reason),
      place: (record) => this.#placement.placeForUser(record),
    });
    this.#placement = new SessionPlacement(context, this.#actors, () => this.#status.host());
    this.#redisHealth = new RedisHealthWatch(deps.redis, this.id, this.#log, () => this.#events);
    this.#pressure = new PressureLoop(this, this.options.pressure, this.#log);
    this.#status = new SupervisorStatus(context, {
      ...(deps.hostMemory ? { hostMemory: deps.hostMemory } : {}),
      pressureOptions: () => this.#pressure.options,
      pressureSnapshot: () => this.#pressure.snapshot(),
      redisHealth: () => this.#redisHealth.health(),
    });
  }

  get id(): string {
    return this.options.supervisorId;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** Figures of the forwarding queue this supervisor feeds, for its status snapshot. */
  get queueMetrics(): (() => SchedulerMetrics) | null {
    return this.#status.queueMetrics;
  }

  set queueMetrics(source: (() => SchedulerMetrics) | null) {
    this.#status.queueMetrics = source;
  }

  /** This supervisor's share of the accounts, for its status snapshot; null (the default): it shares none. */
  get ownership(): (() => OwnershipSnapshot) | null {
    return this.#status.ownership;
  }

  set ownership(source: (() => OwnershipSnapshot) | null) {
    this.#status.ownership = source;
  }

  /** Reads a session's durable cursor, which every start, move and resume begins from; see ActorLifecycle.durableCursor. */
  get durableCursor(): ((actorId: string) => Promise<ResumeCursor>) | null {
    return this.#actors.durableCursor;
  }

  set durableCursor(read: ((actorId: string) => Promise<ResumeCursor>) | null) {
    this.#actors.durableCursor = read;
  }

  /** Runs before an actor starts, its lease in hand; see ActorLifecycle.beforeStart. */
  get beforeStart(): ((actorId: string) => Promise<void>) | null {
    return this.#actors.beforeStart;
  }

  set beforeStart(hook: ((actorId: string) => Promise<void>) | null) {
    this.#actors.beforeStart = hook;
  }

  workers(): WorkerHandle[] {
    return this.#fleet.all();
  }

  /** Forks the initial workers and starts the periodic loops. */
  async start(): Promise<void> {
    this.#events = new EventBuffer(this.#redis, (err) => this.#log.warn({ err }, 'could not publish cluster events'));
    this.#redisHealth.start();
    await Promise.all(Array.from({ length: this.options.workers }, () => this.#fleet.spawn()));
    await this.#status.readHost();
    this.#every(this.options.statusIntervalMs, () => this.#status.tick());
    this.#every(this.options.pressureIntervalMs, () => this.#pressureTick());
    this.#every(this.options.healthIntervalMs, () => this.#fleet.healthCheck());
    this.#every(this.options.memoryLogIntervalMs, async () => this.#status.logMemory());
    this.#every(Math.max(1_000, this.options.leaseRenewMs), () => this.#maintain());
    await this.#status.tick();
    this.#log.info({ workers: this.#fleet.size }, 'supervisor started');
  }

  /**
   * How long Redis has not answered, ms, once that counts as a stall; null
   * while it answers. Meanwhile nothing new is accepted (it waits, to be
   * accepted or re-read later) and leases may run out.
   */
  redisStalledForMs(): number | null {
    return this.#redisHealth.stalledForMs();
  }

  /** The current stall, if any, and the stalls since start. */
  redisHealth(): RedisHealth {
    return this.#redisHealth.health();
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
    return this.#ops.run(spec.actorId, async () => {
      await this.#placement.placeForUser(record);
      return viewOf(record);
    });
  }

  /** Stops a session's actor for good and releases its lease. */
  async removeSession(actorId: string): Promise<void> {
    this.#actors.record(actorId);
    return this.#ops.run(actorId, async () => {
      const record = this.sessions.get(actorId);
      if (!record) return;
      await this.#actors.stop(record);
      this.sessions.delete(actorId);
      this.#actors.forget(actorId);
    });
  }

  /**
   * Sets the chats a session's actor reports messages from (its pairs'
   * sources); kept across restarts and moves. A newly watched chat with a
   * cursor position is caught up from it.
   */
  watch(actorId: string, chatIds: readonly string[], cursor: ResumeCursor = {}): Promise<void> {
    return this.#ops.run(actorId, () => this.#actors.watch(this.#actors.record(actorId), chatIds, cursor));
  }

  pauseSession(actorId: string, by: 'admin' | 'pressure' = 'admin'): Promise<SessionSnapshot> {
    return this.#ops.run(actorId, () => this.#actors.pause(this.#actors.record(actorId), by));
  }

  resumeSession(actorId: string): Promise<SessionSnapshot> {
    return this.#ops.run(actorId, () => this.#actors.resume(this.#actors.record(actorId)));
  }

  idleSession(actorId: string): Promise<void> {
    return this.#ops.run(actorId, () => this.#actors.idle(this.#actors.record(actorId)));
  }

  /** Moves a session to another worker: stop (cursor kept), hand the lease over, start. */
  reassignSession(actorId: string, toWorkerId: string): Promise<SessionSnapshot> {
    return this.#placement.reassign(actorId, toWorkerId);
  }

  /** Empties a worker (every user group moved whole), then stops it. */
  drainWorker(workerId: string): Promise<{ moved: number; unplaced: number }> {
    return this.#placement.drain(workerId);
  }

  setPressure(options: { highWatermark?: number; lowWatermark?: number; pauseElite?: boolean }): void {
    this.#pressure.reconfigure(options);
  }

  pressureOptions(): ResolvedPressureOptions {
    return this.#pressure.options;
  }

  // --- status ------------------------------------------------------------

  snapshot(): SupervisorSnapshot {
    return this.#status.snapshot();
  }

  hostMemory(): HostMemory {
    return this.#status.host();
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
    this.#redisHealth.stop();
    const started = Date.now();
    await this.#fleet.shutdown(async (workerId, cursors) => {
      for (const [actorId, cursor] of Object.entries(cursors)) {
        const r = this.sessions.get(actorId);
        if (r) r.cursor = cursor;
      }
      await this.#placement.releaseLeasesOf(workerId);
    });
    for (const r of this.sessions.all()) if (r.state !== 'revoked') r.state = 'stopped';
    await this.#events?.close();
    await removeSnapshot(this.#redis, this.id).catch(() => {});
    this.#log.info({ ms: Date.now() - started }, 'supervisor stopped');
  }

  // --- internals ---------------------------------------------------------

  async #onWorkerExit(handle: WorkerHandle): Promise<void> {
    this.emit('worker-exit', handle.workerId);
    if (this.#stopping || handle.state === 'stopping') return;
    await this.#placement.afterCrash(handle);
  }

  /** Keeps the configured number of workers (a failed replacement is retried) and places what waits. */
  async #maintain(): Promise<void> {
    for (let missing = this.#fleet.missing(); missing > 0 && !this.#stopping; missing--) {
      await this.#fleet.spawn().catch((err: unknown) => this.#log.error({ err }, 'could not start worker'));
    }
    await this.#placement.placeQueued();
  }

  async #pressureTick(): Promise<void> {
    await this.#status.readHost();
    await this.#pressure.tick(Date.now());
  }

  #every(ms: number, fn: () => Promise<void>): void {
    this.#timers.push(every(ms, fn, () => this.#stopping, (err) => this.#log.error({ err }, 'supervisor loop failed')));
  }
}
