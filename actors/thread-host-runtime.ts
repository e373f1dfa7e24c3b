/**
 * What one thread host does, apart from its wiring (piscina task, comlink,
 * Redis): the table of session actors of the thread, their leases, and the
 * thread's loops. thread-host.ts builds it from a ThreadHostInit.
 *
 * One loop per concern, each a single call for every actor of the thread:
 * lease renewals (`renewMany`), deadline checks, loopback heartbeats (one
 * `heartbeatMany`), loopback polling (one XREAD). Deadlines are checked right
 * before every heartbeat, so no beat stretches a connection past its lease.
 */
import { threadId } from 'node:worker_threads';
import type { ActorHealth, ActorSpec, FilePiece, FileRead, ResumeCursor, SendResult, SendTask } from '../src/runtime-contracts/actor-contract.ts';
import type { ActorState } from '../src/runtime-contracts/actor-state.ts';
import { LeaseKeeper, type LeaseLossReason } from './lease-keeper.ts';
import { clientFactoryFor, type PlatformRuntimes } from './platform/platform-registry.ts';
import { SessionActor } from './session-actor.ts';
import type { MeasureOptions, ThreadEvent, ThreadHostApi, ThreadMeasurement } from '../src/runtime-contracts/thread-host-api.ts';
import { collectGarbage, isolateBytes } from './heap-probe.ts';
import type { LeaseRef } from '../src/cluster/session-lease.ts';
import { ActorExistsError, ActorNotFoundError, LeaseNotHeldError, WorkerStoppingError } from '../src/errors/registry.ts';

export interface ThreadHostRuntimeOptions {
  /** Index of this thread in the worker's pool; required. */
  threadIndex: number;
  /** The worker's id: owner of every lease renewed here; required. */
  workerId: string;
  /** Shared per-thread platform runtimes the client factories draw on; required. */
  runtimes: PlatformRuntimes;
  /** Lease renewal for the keeper; null runs without leases (no Redis: development only). */
  renewMany: ((grants: readonly LeaseRef[]) => Promise<Map<string, number | null>>) | null;
  /** Lease lifetime, ms; required. */
  leaseTtlMs: number;
  /** ms between two renewals of all the thread's leases; required. */
  leaseRenewMs: number;
  /** How long before expiry an actor that could not renew is stopped, ms (runtime-timing.ts); required. */
  leaseStopMarginMs: number;
  /** Measured heap cost of one idle actor with its client, bytes (see heap-probe.ts). */
  clientBaseBytes: number;
  /** The thread's fixed cost, bytes (see `ThreadMeasurement.fixedBytes`). */
  fixedBytes: number;
  /** ms between two loopback poller ticks. */
  pollIntervalMs: number;
  /** Where the thread's events go (its event port); required. */
  emit(event: ThreadEvent): void;
  /** Told of a failed background round (renewal, heartbeat, poll); the next round retries. */
  onError?: (error: unknown) => void;
}

export class ThreadHostRuntime implements ThreadHostApi {
  readonly #o: ThreadHostRuntimeOptions;
  readonly #actors = new Map<string, SessionActor>();
  readonly #keeper: LeaseKeeper | null;
  readonly #timers: NodeJS.Timeout[] = [];
  #connectionSeq = 0;
  #stopping = false;
  #finished!: (cursors: Record<string, ResumeCursor>) => void;
  /** Resolves with every actor's last cursor once `shutdown` has stopped them. */
  readonly finished: Promise<Record<string, ResumeCursor>>;

  constructor(options: ThreadHostRuntimeOptions) {
    this.#o = options;
    this.finished = new Promise((resolve) => {
      this.#finished = resolve;
    });
    const { renewMany } = options;
    this.#keeper = renewMany === null ? null : new LeaseKeeper({
      renewMany,
      owner: options.workerId,
      ttlMs: options.leaseTtlMs,
      stopMarginMs: options.leaseStopMarginMs,
      onLost: (sessionId, reason) => this.#onLeaseLost(sessionId, reason),
    });
  }

  get #where(): string {
    return `thread ${this.#o.threadIndex} of worker ${this.#o.workerId}`;
  }

  /** Starts the thread's loops. */
  run(): void {
    const onError = (error: unknown): void => this.#o.onError?.(error);
    const every = (ms: number, round: () => Promise<unknown>): void => {
      let busy = false;
      this.#timers.push(setInterval(() => {
        if (busy) return;
        busy = true;
        round().catch(onError).finally(() => {
          busy = false;
        });
      }, ms));
    };
    const keeper = this.#keeper;
    if (keeper !== null) {
      every(this.#o.leaseRenewMs, () => keeper.renewAll());
      every(Math.max(25, Math.min(250, Math.floor(this.#o.leaseStopMarginMs / 4))), async () => keeper.checkDeadlines());
    }
    const loopback = this.#o.runtimes.loopback;
    if (loopback !== null) {
      every(Math.max(1, Math.floor(loopback.connectionTtlMs / 3)), async () => {
        keeper?.checkDeadlines();
        await loopback.heartbeats.beat();
      });
      loopback.poller.start(this.#o.pollIntervalMs);
    }
  }

  async startActor(spec: ActorSpec, cursor: ResumeCursor | null): Promise<ActorState> {
    if (this.#stopping) throw new WorkerStoppingError({ workerId: this.#o.workerId });
    let actor = this.#actors.get(spec.actorId);
    if (actor !== undefined && actor.state !== 'failed') {
      throw new ActorExistsError({ actorId: spec.actorId, state: actor.state, where: this.#where });
    }
    if (actor === undefined || actor.spec.fencingToken !== spec.fencingToken || actor.spec.credential !== spec.credential) {
      const factory = clientFactoryFor(spec.platform, this.#o.runtimes);
      this.#connectionSeq += 1;
      actor = new SessionActor({
        spec,
        factory,
        connectionId: `${this.#o.workerId}/${this.#o.threadIndex}/${threadId}/${this.#connectionSeq}`,
        emit: (event) => this.#onActorEvent(event),
        canConnect: () => this.#keeper === null || this.#keeper.holds(spec.actorId),
      });
    }
    this.#actors.set(spec.actorId, actor);
    let held: boolean;
    try {
      held = this.#keeper === null || await this.#keeper.confirm(spec.actorId, spec.fencingToken);
    } catch (error) {
      // Redis did not answer: without a confirmed lease the actor must not connect.
      await actor.stop('lease_unconfirmed');
      this.#drop(actor);
      throw error;
    }
    if (!held) {
      await actor.stop('lease_not_held');
      this.#drop(actor);
      throw new LeaseNotHeldError({ sessionId: spec.actorId, owner: this.#o.workerId, token: spec.fencingToken });
    }
    const state = await actor.start(cursor);
    if (state === 'revoked') this.#drop(actor);
    return state;
  }

  async stopActor(actorId: string): Promise<ResumeCursor> {
    const actor = this.#get(actorId);
    const cursor = await actor.stop();
    this.#drop(actor);
    return cursor;
  }

  pauseActor(actorId: string): Promise<ResumeCursor> {
    return this.#get(actorId).pause();
  }

  resumeActor(actorId: string, cursor: ResumeCursor): Promise<ActorState> {
    return this.#get(actorId).resume(cursor);
  }

  idleActor(actorId: string): Promise<void> {
    return this.#get(actorId).idle();
  }

  async watch(actorId: string, chatIds: string[]): Promise<ResumeCursor> {
    const actor = this.#get(actorId);
    await actor.watch(chatIds);
    return actor.cursor();
  }

  send(actorId: string, task: SendTask): Promise<SendResult> {
    return this.#get(actorId).send(task);
  }

  readFile(actorId: string, read: FileRead): Promise<FilePiece> {
    return this.#get(actorId).readFile(read);
  }

  topicTitle(actorId: string, chatId: string, topicId: string): Promise<string | null> {
    return this.#get(actorId).topicTitle(chatId, topicId);
  }

  refreshLinks(actorId: string, urls: readonly string[]): Promise<Record<string, string>> {
    return this.#get(actorId).refreshLinks(urls);
  }

  health(actorId: string): Promise<ActorHealth> {
    return this.#get(actorId).health();
  }

  async healthAll(): Promise<Array<{ actorId: string } & ActorHealth>> {
    const actors = [...this.#actors.values()];
    return Promise.all(actors.map(async (a) => ({ actorId: a.actorId, ...(await a.health()) })));
  }

  async measure(options: MeasureOptions = {}): Promise<ThreadMeasurement> {
    if (options.settle === true) {
      collectGarbage();
      // Buffers freed by that collection give their external memory back in
      // a task after it; a second pass then finds what those held.
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
    }
    const { heapUsedBytes, externalBytes } = isolateBytes();
    const actors = [...this.#actors.values()].map((a) => ({
      actorId: a.actorId,
      trackedBytes: a.trackedBytes(),
      baseBytes: this.#o.clientBaseBytes,
    }));
    return { threadIndex: this.#o.threadIndex, heapUsedBytes, externalBytes, fixedBytes: this.#o.fixedBytes, actors };
  }

  async shutdown(): Promise<Record<string, ResumeCursor>> {
    this.#stopping = true;
    const actors = [...this.#actors.values()];
    const cursors: Record<string, ResumeCursor> = {};
    await Promise.all(actors.map(async (a) => {
      cursors[a.actorId] = await a.stop('shutdown').catch(() => a.cursor());
      this.#drop(a);
    }));
    for (const t of this.#timers) clearInterval(t);
    this.#o.runtimes.loopback?.poller.stop();
    this.#finished(cursors);
    return cursors;
  }

  #get(actorId: string): SessionActor {
    const actor = this.#actors.get(actorId);
    if (actor === undefined) throw new ActorNotFoundError({ actorId, where: this.#where });
    return actor;
  }

  #drop(actor: SessionActor): void {
    if (this.#actors.get(actor.actorId) !== actor) return;
    this.#actors.delete(actor.actorId);
    this.#keeper?.forget(actor.actorId);
  }

  #onActorEvent(event: ThreadEvent): void {
    this.#o.emit(event);
    // A stopped or revoked actor holds nothing: no lease to renew, nothing to measure.
    if (event.type === 'actor_state' && (event.to === 'stopped' || event.to === 'revoked')) {
      const actor = this.#actors.get(event.actorId);
      if (actor !== undefined) this.#drop(actor);
    }
  }

  #onLeaseLost(actorId: string, reason: LeaseLossReason): void {
    const actor = this.#actors.get(actorId);
    if (actor === undefined) return;
    this.#o.emit({ type: 'lease_lost', actorId });
    actor.fence(reason).catch((error: unknown) => this.#o.onError?.(error)).finally(() => this.#drop(actor));
  }
}
