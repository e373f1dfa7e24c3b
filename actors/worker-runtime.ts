/**
 * The worker process' side of WorkerApi: a piscina pool of thread hosts, one
 * long-lived host task per thread, with the worker's record of every actor
 * (its spec, thread, last known state, cursor and watched chats).
 *
 * - Placement: a new actor goes to the thread with the fewest actors.
 * - Cursors: every inbound message a host reports moves the actor's recorded
 *   cursor, so a thread that dies without warning loses no more than the
 *   messages it had not yet reported, and those it re-reads. A thread restart
 *   may start from this record rather than the durable cursor because the
 *   record never runs behind it (it starts there) and everything up to it
 *   was already handed to the supervisor, which holds each message until
 *   Redis accepts it; if this process dies instead, the supervisor restarts
 *   the actors from the durable cursor.
 * - A dead thread (its host task rejected: heap cap, crash) affects only its
 *   own actors: `thread_died`, a new host task on the thread piscina starts
 *   in its place, the actors restarted there from their recorded cursors
 *   under the same leases (the owner is this worker), `thread_restarted`.
 *   More than `threadRestartIntensity` deaths within `restartPeriodMs`:
 *   `escalate`, and the process gives up.
 * - Memory: status() measures every thread and splits its total (heap used +
 *   external) among its actors with attributeHeap, so the actors' figures add
 *   up exactly to what the thread measured.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ActorHealth, ActorSpec, FilePiece, FileRead, ResumeCursor, SendResult, SendTask } from '../src/runtime-contracts/actor-contract.ts';
import type { ActorState } from '../src/runtime-contracts/actor-state.ts';
import { leaseStopMarginMs, loopbackConnectionTtlMs } from './runtime-timing.ts';
import type { MeasureOptions, ThreadEvent, ThreadMeasurement } from '../src/runtime-contracts/thread-host-api.ts';
import { describe, ThreadSlot, type ThreadHostSettings } from './thread-slot.ts';
import type {
  WorkerActorStatus, WorkerApi, WorkerEvent, WorkerOptions, WorkerStatus, WorkerThreadStatus,
} from '../src/runtime-contracts/worker-protocol.ts';
import { attributeHeap } from './heap-attribution.ts';
import { RestartIntensity } from '../src/cluster/restart-intensity.ts';
import { CpuMeter } from '../src/infra/cpu-meter.ts';
import { ActorExistsError, ActorNotFoundError, LeaseNotHeldError, WorkerStoppingError } from '../src/errors/registry.ts';

const THREAD_HOST = fileURLToPath(new URL('./thread-host.ts', import.meta.url));

interface ActorRecord {
  spec: ActorSpec;
  threadIndex: number;
  state: ActorState;
  /** Last known position per chat: from start, pause and stop, then every inbound message reported. */
  cursor: Record<string, string>;
  /** Chats set with `watch`, restored after a thread restart. */
  watched: string[];
  /**
   * A startActor call is on its way to the thread: if the thread dies now,
   * that call fails to its caller, so the restart must not start it too.
   */
  starting: boolean;
}

export interface WorkerRuntimeDeps {
  /** Sends an event up to the supervisor. */
  emit(event: WorkerEvent): void;
  /** Called once when thread deaths exceed the restart intensity; the process must exit non-zero. */
  escalate(event: Extract<WorkerEvent, { type: 'escalate' }>): void;
  /** Clock for the restart intensity, ms. Default: `Date.now`. */
  now?: () => number;
}

export class WorkerRuntime implements WorkerApi {
  readonly options: WorkerOptions;
  readonly #deps: WorkerRuntimeDeps;
  readonly #pool: Piscina;
  readonly #slots: ThreadSlot[];
  readonly #actors = new Map<string, ActorRecord>();
  readonly #intensity: RestartIntensity;
  /**
   * How long a dead thread's actors wait before reconnecting: the platform
   * only learns that their old connections died when those expire (loopback
   * connection TTL), and reconnecting earlier would run two copies at once.
   */
  readonly #restartDelayMs: number;
  /** Restarts in progress after a thread died, by thread index. */
  readonly #restarts = new Map<number, Promise<void>>();
  readonly #cpu = new CpuMeter();
  #stopping = false;
  #escalated = false;

  constructor(options: WorkerOptions, deps: WorkerRuntimeDeps) {
    this.options = options;
    this.#deps = deps;
    this.#intensity = new RestartIntensity(options.threadRestartIntensity, options.restartPeriodMs);
    const margin = leaseStopMarginMs(options.leaseTtlMs, options.leaseRenewMs);
    this.#restartDelayMs = (options.loopback?.connectionTtlMs ?? loopbackConnectionTtlMs(margin)) + 50;
    this.#pool = new Piscina({
      filename: THREAD_HOST,
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Infinity,
      // Host tasks never end while the worker runs; no spinning on Atomics between them.
      atomics: 'disabled',
      resourceLimits: { maxOldGenerationSizeMb: options.threadMaxOldGenerationMb },
    });
    // A thread failing outside a task (none is expected) must not crash the process as an unhandled 'error'.
    this.#pool.on('error', () => {});
    const settings: ThreadHostSettings = {
      workerId: options.workerId,
      redisUrl: options.redisUrl,
      redisKeyPrefix: options.redisKeyPrefix,
      leaseTtlMs: options.leaseTtlMs,
      leaseRenewMs: options.leaseRenewMs,
      ...(options.loopback === undefined ? {} : { loopback: options.loopback }),
      ...(options.discordApiUrl === undefined ? {} : { discordApiUrl: options.discordApiUrl }),
      ...(options.discordInvalidRequestLimit === undefined ? {} : { discordInvalidRequestLimit: options.discordInvalidRequestLimit }),
      ...(options.telegram === undefined ? {} : { telegram: options.telegram }),
    };
    this.#slots = Array.from({ length: options.threads }, (_, i) => new ThreadSlot(i, this.#pool, settings, {
      onEvent: (event, slot) => this.#onThreadEvent(event, slot),
      onDeath: (error, slot) => {
        const restart = this.#onThreadDeath(error, slot).finally(() => {
          if (this.#restarts.get(slot.index) === restart) this.#restarts.delete(slot.index);
        });
        this.#restarts.set(slot.index, restart);
      },
    }));
    for (const slot of this.#slots) slot.launch();
  }

  async startActor(spec: ActorSpec, cursor: ResumeCursor | null): Promise<{ threadIndex: number; state: ActorState }> {
    this.#checkRunning();
    const existing = this.#actors.get(spec.actorId);
    if (existing !== undefined && existing.state !== 'failed' && existing.state !== 'revoked' && existing.state !== 'stopped') {
      throw new ActorExistsError({ actorId: spec.actorId, state: existing.state, where: `worker ${this.options.workerId}` });
    }
    // A failed actor is restarted where it is; a revoked one starts afresh (new credential), anywhere.
    const slot = existing?.state === 'failed' ? this.#slots[existing.threadIndex]! : this.#leastLoaded();
    const record: ActorRecord = {
      spec,
      threadIndex: slot.index,
      state: 'starting',
      cursor: { ...(cursor ?? existing?.cursor ?? {}) },
      watched: existing?.watched ?? [],
      starting: true,
    };
    this.#actors.set(spec.actorId, record);
    try {
      record.state = await slot.call((api) => api.startActor(spec, cursor));
    } catch (error) {
      if (this.#actors.get(spec.actorId) === record) this.#actors.delete(spec.actorId);
      throw error;
    } finally {
      record.starting = false;
    }
    return { threadIndex: slot.index, state: record.state };
  }

  async stopActor(actorId: string): Promise<ResumeCursor> {
    const record = await this.#settled(actorId);
    if (record.state === 'revoked' || record.state === 'stopped') {
      this.#actors.delete(actorId);
      return record.cursor;
    }
    const cursor = await this.#slotOf(record).call((api) => api.stopActor(actorId));
    if (this.#actors.get(actorId) === record) this.#actors.delete(actorId);
    return cursor;
  }

  async pauseActor(actorId: string): Promise<ResumeCursor> {
    const record = await this.#settled(actorId);
    const cursor = await this.#slotOf(record).call((api) => api.pauseActor(actorId));
    record.cursor = { ...cursor };
    return cursor;
  }

  async resumeActor(actorId: string, cursor: ResumeCursor): Promise<ActorState> {
    const record = await this.#settled(actorId);
    record.cursor = { ...cursor };
    record.state = await this.#slotOf(record).call((api) => api.resumeActor(actorId, cursor));
    return record.state;
  }

  async idleActor(actorId: string): Promise<void> {
    const record = await this.#settled(actorId);
    await this.#slotOf(record).call((api) => api.idleActor(actorId));
  }

  async watch(actorId: string, chatIds: string[]): Promise<ResumeCursor> {
    const record = await this.#settled(actorId);
    const cursor = await this.#slotOf(record).call((api) => api.watch(actorId, chatIds));
    record.watched = [...chatIds];
    // Positions already recorded from inbound messages are at least as recent.
    record.cursor = { ...cursor, ...pick(record.cursor, chatIds) };
    return cursor;
  }

  async health(actorId: string): Promise<ActorHealth> {
    const record = await this.#settled(actorId);
    return this.#slotOf(record).call((api) => api.health(actorId));
  }

  async readFile(actorId: string, read: FileRead): Promise<FilePiece> {
    const record = await this.#settled(actorId);
    return this.#slotOf(record).call<FilePiece>(async (api) => (await api.readFile(actorId, read)) as FilePiece);
  }

  async topicTitle(actorId: string, chatId: string, topicId: string): Promise<string | null> {
    const record = await this.#settled(actorId);
    return this.#slotOf(record).call<string | null>(async (api) => (await api.topicTitle(actorId, chatId, topicId)) as string | null);
  }

  async refreshLinks(actorId: string, urls: readonly string[]): Promise<Record<string, string>> {
    const record = await this.#settled(actorId);
    return this.#slotOf(record).call<Record<string, string>>(async (api) => (await api.refreshLinks(actorId, [...urls])) as Record<string, string>);
  }

  async send(actorId: string, task: SendTask): Promise<SendResult> {
    const record = await this.#settled(actorId);
    return this.#slotOf(record).call<SendResult>(async (api) => (await api.send(actorId, task)) as SendResult);
  }

  async status(options: MeasureOptions = {}): Promise<WorkerStatus> {
    const perThread = await Promise.all(this.#slots.map(async (slot) => {
      if (!slot.alive) return { slot, measurement: null, health: null };
      try {
        const [measurement, health] = await Promise.all([
          slot.call((api) => api.measure(options)),
          slot.call((api) => api.healthAll()),
        ]);
        return { slot, measurement, health: new Map(health.map((h) => [h.actorId, h])) };
      } catch {
        // Died while measuring: reported with no measurement this time.
        return { slot, measurement: null, health: null };
      }
    }));
    const threads: WorkerThreadStatus[] = [];
    const actors: WorkerActorStatus[] = [];
    const listed = new Set<string>();
    for (const { slot, measurement, health } of perThread) {
      threads.push({
        threadIndex: slot.index,
        heapUsedBytes: measurement?.heapUsedBytes ?? 0,
        externalBytes: measurement?.externalBytes ?? 0,
        actors: measurement?.actors.length ?? this.#recordsOn(slot.index).length,
        restarts: slot.restarts,
      });
      if (measurement === null || health === null) continue;
      const shares = attributeThread(measurement);
      for (const m of measurement.actors) {
        const record = this.#actors.get(m.actorId);
        const h = health.get(m.actorId);
        if (record === undefined) continue;
        listed.add(m.actorId);
        actors.push(this.#actorStatus(record, {
          state: h?.state ?? record.state,
          memoryBytes: shares.get(m.actorId) ?? 0,
          trackedBytes: m.trackedBytes,
          lastActivityAt: h?.lastActivityAt ?? 0,
          inFlight: h?.inFlight ?? 0,
        }));
      }
    }
    // Actors the hosts no longer hold (revoked, or on a thread being restarted) are listed with nothing attributed.
    for (const [actorId, record] of this.#actors) {
      if (listed.has(actorId)) continue;
      actors.push(this.#actorStatus(record, { state: record.state, memoryBytes: 0, trackedBytes: 0, lastActivityAt: 0, inFlight: 0 }));
    }
    return { workerId: this.options.workerId, pid: process.pid, rssBytes: process.memoryUsage.rss(), cpuPercent: this.#cpu.sample(), threads, actors };
  }

  async healthCheck(): Promise<{ checked: number; reconnected: string[]; restarted: string[] }> {
    const reconnected: string[] = [];
    const restarted: string[] = [];
    let checked = 0;
    await Promise.all(this.#slots.map(async (slot) => {
      if (!slot.alive) return;
      const health = await slot.call((api) => api.healthAll()).catch(() => []);
      await Promise.all(health.map(async (h) => {
        const record = this.#actors.get(h.actorId);
        if (record === undefined) return;
        checked += 1;
        try {
          if (h.state === 'failed') {
            record.state = await slot.call((api) => api.startActor(record.spec, record.cursor));
            restarted.push(h.actorId);
          } else if ((h.state === 'running' || h.state === 'idle') && !h.connected) {
            // Silent: pause (keeping the cursor) and resume, i.e. reconnect and catch up.
            const cursor = await slot.call((api) => api.pauseActor(h.actorId));
            record.cursor = { ...cursor };
            record.state = await slot.call((api) => api.resumeActor(h.actorId, cursor));
            reconnected.push(h.actorId);
          }
        } catch {
          // Left for the next check; the events tell the supervisor what state it is in.
        }
      }));
    }));
    return { checked, reconnected, restarted };
  }

  async shutdown(): Promise<Record<string, ResumeCursor>> {
    this.#stopping = true;
    const cursors: Record<string, ResumeCursor> = {};
    for (const [actorId, record] of this.#actors) cursors[actorId] = record.cursor;
    await Promise.all(this.#slots.map(async (slot) => {
      if (!slot.alive) return;
      const returned = await slot.call((api) => api.shutdown()).catch(() => ({}));
      Object.assign(cursors, returned);
      await slot.ended;
      // Its last events (actors stopped) must go up before the process exits.
      await Promise.race([slot.eventsEnded, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      slot.close();
    }));
    this.#actors.clear();
    await this.#pool.destroy();
    return cursors;
  }

  // --- internals -----------------------------------------------------------

  #checkRunning(): void {
    if (this.#stopping || this.#escalated) throw new WorkerStoppingError({ workerId: this.options.workerId });
  }

  #get(actorId: string): ActorRecord {
    const record = this.#actors.get(actorId);
    if (record === undefined) throw new ActorNotFoundError({ actorId, where: `worker ${this.options.workerId}` });
    return record;
  }

  /**
   * The actor's record once any restart of its thread is over, so a call
   * never reaches a new host before the restart has put the actor back on it.
   */
  async #settled(actorId: string): Promise<ActorRecord> {
    const record = this.#get(actorId);
    const restart = this.#restarts.get(record.threadIndex);
    if (restart === undefined) return record;
    await restart;
    return this.#get(actorId);
  }

  #slotOf(record: ActorRecord): ThreadSlot {
    return this.#slots[record.threadIndex]!;
  }

  #recordsOn(threadIndex: number): ActorRecord[] {
    return [...this.#actors.values()].filter((r) => r.threadIndex === threadIndex);
  }

  /** The thread with the fewest live actors; the lowest index on a tie. */
  #leastLoaded(): ThreadSlot {
    const counts = this.#slots.map(() => 0);
    for (const r of this.#actors.values()) if (r.state !== 'revoked') counts[r.threadIndex]! += 1;
    let best = 0;
    counts.forEach((c, i) => {
      if (c < counts[best]!) best = i;
    });
    return this.#slots[best]!;
  }

  #actorStatus(record: ActorRecord, live: Pick<WorkerActorStatus, 'state' | 'memoryBytes' | 'trackedBytes' | 'lastActivityAt' | 'inFlight'>): WorkerActorStatus {
    return { actorId: record.spec.actorId, userId: record.spec.userId, tier: record.spec.tier, threadIndex: record.threadIndex, ...live };
  }

  #onThreadEvent(event: ThreadEvent, slot: ThreadSlot): void {
    const record = this.#actors.get(event.actorId);
    if (record !== undefined && record.threadIndex === slot.index) {
      if (event.type === 'actor_state') {
        record.state = event.to;
        // Stopped by the host itself (lease lost): the actor is no longer here.
        if (event.to === 'stopped' && event.reason !== undefined && event.reason !== 'shutdown') this.#actors.delete(event.actorId);
      } else if (event.type === 'inbound') {
        record.cursor[event.message.chatId] = event.message.lastMessageId ?? event.message.messageId;
      } else if (event.type === 'positions') {
        Object.assign(record.cursor, event.positions);
      }
    }
    this.#deps.emit({ ...event, workerId: this.options.workerId, threadIndex: slot.index });
  }

  async #onThreadDeath(error: unknown, slot: ThreadSlot): Promise<void> {
    if (this.#stopping || this.#escalated) return;
    const records = this.#recordsOn(slot.index).filter((r) => r.state !== 'revoked' && !r.starting);
    const actorIds = records.map((r) => r.spec.actorId);
    const { workerId } = this.options;
    this.#deps.emit({ type: 'thread_died', workerId, threadIndex: slot.index, error: describe(error), actorIds });
    if (!this.#intensity.allow((this.#deps.now ?? Date.now)())) {
      this.#escalated = true;
      const reason = `${this.#intensity.recent} thread deaths within ${this.options.restartPeriodMs} ms (limit ${this.options.threadRestartIntensity}); last: ${describe(error)}`;
      this.#deps.escalate({ type: 'escalate', workerId, reason });
      return;
    }
    slot.restarts += 1;
    for (const r of records) r.state = 'failed';
    await new Promise((resolve) => setTimeout(resolve, this.#restartDelayMs));
    if (this.#stopping || this.#escalated) return;
    slot.launch();
    const restarted: string[] = [];
    await Promise.all(records.map(async (record) => {
      const actorId = record.spec.actorId;
      // Stopped by its caller while the thread was down.
      if (this.#actors.get(actorId) !== record) return;
      try {
        record.state = await slot.call((api) => api.startActor(record.spec, record.cursor));
        if (record.watched.length > 0) await slot.call((api) => api.watch(actorId, record.watched));
        restarted.push(actorId);
      } catch (e) {
        if (e instanceof Error && (e as { code?: unknown }).code === LeaseNotHeldError.code) {
          // Taken over while the thread was down: this copy must not run.
          this.#actors.delete(actorId);
          this.#deps.emit({ type: 'lease_lost', actorId, workerId, threadIndex: slot.index });
        }
      }
    }));
    this.#deps.emit({ type: 'thread_restarted', workerId, threadIndex: slot.index, actorIds: restarted });
  }
}

/** The entries of `cursor` for `chatIds` only. */
function pick(cursor: Record<string, string>, chatIds: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const chatId of chatIds) if (cursor[chatId] !== undefined) out[chatId] = cursor[chatId];
  return out;
}

/**
 * One thread's total (heap used + external) split among its actors; the
 * shares add up exactly to it. The thread's fixed cost (`fixedBytes`: runtime
 * and modules, which no actor causes) goes evenly to every actor as part of
 * its base; attributeHeap then spreads what is left unexplained (garbage not
 * yet collected, code compiled since) in proportion to what each reported.
 * Without the even part, an actor holding most of the tracked bytes would also
 * be charged most of the thread's fixed cost.
 */
export function attributeThread(measurement: ThreadMeasurement): Map<string, number> {
  const total = measurement.heapUsedBytes + measurement.externalBytes;
  const n = measurement.actors.length;
  if (n === 0) return new Map();
  const fixed = Math.max(0, Math.min(measurement.fixedBytes, total));
  const each = Math.floor(fixed / n);
  const extra = fixed - each * n;
  return attributeHeap(total, measurement.actors.map((a, i) => ({
    actorId: a.actorId,
    trackedBytes: a.trackedBytes,
    baseBytes: a.baseBytes + each + (i < extra ? 1 : 0),
  })));
}
