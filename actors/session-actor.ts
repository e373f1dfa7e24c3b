/**
 * The runtime of one session actor inside a thread host: it wraps one
 * PlatformClient and moves through the lifecycle of actor-state.ts, refusing
 * any call the transition table does not allow and reporting every move as an
 * `actor_state` ThreadEvent.
 *
 * Lifecycle calls are serialised per actor (a stop arriving while a connect is
 * still under way waits for it), so the state never changes underneath a call.
 * Leases are the host's business: its LeaseKeeper renews the grants (the
 * spec's fencing token) of all the thread's actors at once. The actor asks
 * `canConnect` before every connect, and the host `fence`s it the moment its
 * lease is lost or its local deadline passes.
 */
import type { ActorHealth, ActorSpec, FilePiece, FileRead, ResumeCursor, SendResult, SendTask } from '../src/runtime-contracts/actor-contract.ts';
import { isConnected, nextState, type ActorEvent, type ActorState } from '../src/runtime-contracts/actor-state.ts';
import type { ThreadEvent } from '../src/runtime-contracts/thread-host-api.ts';
import type { PlatformClient, PlatformClientFactory } from './platform/platform-client.ts';
import type { InboundMessage } from '../src/runtime-contracts/inbound-message.ts';
import { ActorTransitionInvalidError } from '../src/errors/registry.ts';

export interface SessionActorOptions {
  /** What to run; required. */
  spec: ActorSpec;
  /** Makes the actor's client (from platform-registry.ts); required. */
  factory: PlatformClientFactory;
  /** Unique per connection attempt of this actor, so the platform can tell two copies apart. */
  connectionId: string;
  /** Where `actor_state`, `inbound`, `positions` and `notice` events go; required. */
  emit(event: ThreadEvent): void;
  /** Asked right before every connect: false (the lease is gone or past its deadline) refuses it. Default: always true. */
  canConnect?: () => boolean;
  /** Clock, ms since epoch. Default: `Date.now`. */
  now?: () => number;
}

export class SessionActor {
  readonly spec: ActorSpec;
  readonly actorId: string;
  #state: ActorState = 'starting';
  readonly #client: PlatformClient;
  readonly #emit: (event: ThreadEvent) => void;
  readonly #now: () => number;
  readonly #canConnect: () => boolean;
  /** Set once the lease is gone: no connect may happen any more. */
  #fenced = false;
  #lastActivityAt: number;
  #inFlight = 0;
  #watched: readonly string[] = [];
  /** Set by the client's callback; a connect failing after it means revoked, not crashed. */
  #credentialsRejected: string | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: SessionActorOptions) {
    this.spec = options.spec;
    this.actorId = options.spec.actorId;
    this.#emit = options.emit;
    this.#now = options.now ?? Date.now;
    this.#canConnect = options.canConnect ?? (() => true);
    this.#lastActivityAt = this.#now();
    this.#client = options.factory(
      { actorId: options.spec.actorId, userId: options.spec.userId, credential: options.spec.credential, connectionId: options.connectionId },
      {
        onMessage: (message) => this.#onMessage(message),
        onPositions: (positions) => this.#emit({ type: 'positions', actorId: this.actorId, positions }),
        onNotice: (notice) => this.#emit({ type: 'notice', actorId: this.actorId, notice }),
        onDisconnect: (reason) => this.#onDisconnect(reason),
        onCredentialsRejected: (reason) => this.#onCredentialsRejected(reason),
      },
    );
  }

  get state(): ActorState {
    return this.#state;
  }

  /** Connects (from `cursor`, or from scratch) and goes `running`; `failed` or `revoked` when the platform refuses. */
  start(cursor: ResumeCursor | null): Promise<ActorState> {
    return this.#serial(async () => {
      // A new actor begins in `starting`; a stopped or failed one comes back through `restart`.
      if (this.#state !== 'starting') this.#move('restart');
      return this.#connect(cursor);
    });
  }

  /** Disconnects and drops caches; returns where to resume from. */
  pause(): Promise<ResumeCursor> {
    return this.#serial(async () => {
      this.#check('pause');
      const cursor = this.#client.cursor();
      this.#move('pause');
      this.#client.dropCaches();
      await this.#client.disconnect().catch(() => {});
      return cursor;
    });
  }

  /** Reconnects and catches up from `cursor`. */
  resume(cursor: ResumeCursor): Promise<ActorState> {
    return this.#serial(async () => {
      this.#move('resume');
      return this.#connect(cursor);
    });
  }

  /** Drops caches, keeps the connection; the next message brings it back to `running`. */
  idle(): Promise<void> {
    return this.#serial(async () => {
      this.#move('go_idle');
      this.#client.dropCaches();
    });
  }

  /**
   * Disconnects for good and returns the cursor. Legal from every state but
   * `stopped` and `revoked`, where it is a no-op returning the last cursor, so
   * a host can stop all its actors without looking at each one first.
   */
  stop(reason?: string): Promise<ResumeCursor> {
    return this.#serial(async () => {
      const cursor = this.#client.cursor();
      if (this.#state === 'stopped' || this.#state === 'revoked') return cursor;
      const wasConnected = this.#state !== 'failed';
      this.#move('stop', reason);
      if (wasConnected) {
        this.#client.dropCaches();
        await this.#client.disconnect().catch(() => {});
        this.#move('stopped', reason);
      }
      return cursor;
    });
  }

  /**
   * The lease is lost or past its deadline: cuts the connection NOW, without
   * waiting for a lifecycle call in progress (a catch-up may take long), then
   * stops in turn. Nothing reconnects a fenced actor.
   */
  fence(reason: string): Promise<ResumeCursor> {
    this.#fenced = true;
    void this.#client.disconnect().catch(() => {});
    return this.stop(reason);
  }

  /** Sends one task; refused without calling the platform unless connected. */
  async send(task: SendTask): Promise<SendResult> {
    if (!isConnected(this.#state) || this.#fenced) {
      return { ok: false, kind: 'transient', message: `actor ${this.actorId} is ${this.#fenced ? 'fenced off its lease' : this.#state}` };
    }
    this.#inFlight += 1;
    try {
      const result = await this.#client.send(task);
      this.#lastActivityAt = this.#now();
      if (!result.ok && result.kind === 'revoked') this.#onCredentialsRejected(result.message);
      else if (result.ok && this.#state === 'idle') await this.#serial(async () => this.#activity());
      return result;
    } finally {
      this.#inFlight -= 1;
    }
  }

  /** A piece of a file the account can read; rejects unless connected, so the relay answers "try later". */
  async readFile(read: FileRead): Promise<FilePiece> {
    if (!isConnected(this.#state) || this.#fenced) throw new Error(`actor ${this.actorId} is ${this.#fenced ? 'fenced off its lease' : this.#state}`);
    if (this.#client.readFile === undefined) return { gone: 'this platform has no files to read' };
    return this.#client.readFile(read);
  }

  /** A forum topic's title; rejects unless connected, so the caller tries again later. */
  async topicTitle(chatId: string, topicId: string): Promise<string | null> {
    if (!isConnected(this.#state) || this.#fenced) throw new Error(`actor ${this.actorId} is ${this.#fenced ? 'fenced off its lease' : this.#state}`);
    if (this.#client.topicTitle === undefined) return null;
    return this.#client.topicTitle(chatId, topicId);
  }

  /** Fresh links for attachment links of messages the account reads; rejects unless connected. */
  async refreshLinks(urls: readonly string[]): Promise<Record<string, string>> {
    if (!isConnected(this.#state) || this.#fenced) throw new Error(`actor ${this.actorId} is ${this.#fenced ? 'fenced off its lease' : this.#state}`);
    if (this.#client.refreshLinks === undefined) return {};
    return this.#client.refreshLinks(urls);
  }

  /** Chats to receive messages from; remembered across reconnects. */
  watch(chatIds: readonly string[]): Promise<void> {
    return this.#serial(async () => {
      this.#watched = [...chatIds];
      if (isConnected(this.#state)) await this.#client.watch(this.#watched);
    });
  }

  /** `connected` is true only when the state holds a connection and the platform answers a ping. */
  async health(): Promise<ActorHealth> {
    const connected = isConnected(this.#state) && (await this.#client.ping().catch(() => false));
    return {
      state: this.#state,
      connected,
      lastActivityAt: this.#lastActivityAt,
      trackedBytes: this.trackedBytes(),
      inFlight: this.#inFlight,
    };
  }

  trackedBytes(): number {
    return this.#client.trackedBytes();
  }

  cursor(): ResumeCursor {
    return this.#client.cursor();
  }

  async #connect(cursor: ResumeCursor | null): Promise<ActorState> {
    this.#credentialsRejected = null;
    // Left in `starting`: the stop that fencing queued takes it to `stopped`.
    if (this.#fenced || !this.#canConnect()) return this.#state;
    try {
      await this.#client.connect(cursor);
      if (this.#watched.length > 0) await this.#client.watch(this.#watched);
    } catch (error) {
      const rejected = this.#credentialsRejected ?? (isRejection(error) ? errorMessage(error) : null);
      await this.#client.disconnect().catch(() => {});
      if (rejected !== null) this.#move('credentials_rejected', rejected);
      else this.#move('crash', errorMessage(error));
      return this.#state;
    }
    if (this.#fenced) {
      await this.#client.disconnect().catch(() => {});
      return this.#state;
    }
    // The callback may have fired while connect was resolving.
    if (this.#credentialsRejected !== null) {
      await this.#client.disconnect().catch(() => {});
      this.#move('credentials_rejected', this.#credentialsRejected);
      return this.#state;
    }
    this.#lastActivityAt = this.#now();
    this.#move('started');
    return this.#state;
  }

  #onMessage(message: InboundMessage): void {
    this.#lastActivityAt = this.#now();
    if (this.#state === 'idle') void this.#serial(async () => this.#activity());
    this.#emit({ type: 'inbound', actorId: this.actorId, message });
  }

  #activity(): void {
    if (this.#state === 'idle') this.#move('activity');
  }

  #onDisconnect(reason: string): void {
    void this.#serial(async () => {
      // Only a drop we did not ask for matters: pause and stop disconnect on purpose.
      if (!isConnected(this.#state) || this.#fenced) return;
      if (!this.#canConnect()) {
        this.#move('crash', `${reason}; no reconnect without the lease`);
        return;
      }
      try {
        await this.#client.connect(this.#client.cursor());
        if (this.#watched.length > 0) await this.#client.watch(this.#watched);
      } catch (error) {
        this.#move('crash', `${reason}; reconnect failed: ${errorMessage(error)}`);
      }
    });
  }

  #onCredentialsRejected(reason: string): void {
    this.#credentialsRejected = reason;
    void this.#serial(async () => {
      // During a connect, #connect itself handles it.
      if (nextState(this.#state, 'credentials_rejected') === null || this.#state === 'starting') return;
      this.#move('credentials_rejected', reason);
      this.#client.dropCaches();
      await this.#client.disconnect().catch(() => {});
    });
  }

  #check(event: ActorEvent): ActorState {
    const to = nextState(this.#state, event);
    if (to === null) throw new ActorTransitionInvalidError({ actorId: this.actorId, event, state: this.#state });
    return to;
  }

  #move(event: ActorEvent, reason?: string): void {
    const from = this.#state;
    const to = this.#check(event);
    this.#state = to;
    if (from !== to) this.#emit({ type: 'actor_state', actorId: this.actorId, from, to, ...(reason === undefined ? {} : { reason }) });
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op, op);
    this.#queue = run.catch(() => {});
    return run;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Clients signal rejected credentials with a callback; some also reject `connect` with a `credentials_rejected` code. */
function isRejection(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'credentials_rejected';
}
