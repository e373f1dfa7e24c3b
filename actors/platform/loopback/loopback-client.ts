/**
 * The loopback platform's client: a `PlatformClient` on the loopback network.
 * It is built to be cheap when idle, since a process may hold thousands: no
 * timers (the runtime's poller and heartbeats serve every client), no secret
 * kept (only whether the credential is the simulated `"revoked"`), caches made
 * on first use.
 */
import type { ResumeCursor, SendResult, SendTask } from '../../../src/runtime-contracts/actor-contract.ts';
import type { PlatformCallbacks, PlatformClient, PlatformClientFactory } from '../platform-client.ts';
import type { InboundMessage } from '../../../src/runtime-contracts/inbound-message.ts';
import type { HeartbeatTarget } from './loopback-heartbeats.ts';
import { encodePayload } from './loopback-network.ts';
import type { LoopbackMessage } from './loopback-network.ts';
import type { PollSubscriber } from './loopback-poller.ts';
import { installedLoopbackRuntime } from './loopback-runtime.ts';
import type { LoopbackRuntime } from './loopback-runtime.ts';
import { MessageCache } from './message-cache.ts';

/** The credential the loopback platform rejects, so tests and demos can reach the `revoked` state. */
export const REVOKED_CREDENTIAL = 'revoked';

/** Messages fetched per read while catching up from a cursor. */
const CATCH_UP_PAGE = 100;

type ClientState = 'new' | 'connected' | 'disconnected' | 'revoked';

export class LoopbackClient implements PlatformClient, PollSubscriber, HeartbeatTarget {
  /** The account's id: the network tracks connections per session. */
  readonly sessionId: string;
  readonly connectionId: string;
  readonly #runtime: LoopbackRuntime;
  readonly #callbacks: PlatformCallbacks;
  readonly #credentialRevoked: boolean;
  #state: ClientState = 'new';
  #watched: string[] = [];
  /** Last message id seen per watched chat. */
  #positions: Map<string, string> | null = null;
  #cache: MessageCache<InboundMessage> | null = null;
  #inFlightBytes = 0;

  constructor(runtime: LoopbackRuntime, spec: Parameters<PlatformClientFactory>[0], callbacks: PlatformCallbacks) {
    this.sessionId = spec.actorId;
    this.connectionId = spec.connectionId;
    this.#runtime = runtime;
    this.#callbacks = callbacks;
    this.#credentialRevoked = spec.credential === REVOKED_CREDENTIAL;
  }

  /**
   * Registers the connection; with a cursor, hands over every message after
   * it (per chat, oldest first) before resolving, and adds its chats to the
   * watched ones. Without one, watched chats start at their newest message.
   * A revoked credential calls `onCredentialsRejected` and leaves the client
   * unconnected (the promise resolves: the callback is the report).
   */
  async connect(cursor: ResumeCursor | null): Promise<void> {
    if (this.#state === 'connected') return;
    if (this.#credentialRevoked || this.#state === 'revoked') {
      this.#state = 'revoked';
      this.#callbacks.onCredentialsRejected('the loopback platform rejected the credential (revoked)');
      return;
    }
    const positions = new Map<string, string>();
    if (cursor !== null) {
      for (const [chatId, id] of Object.entries(cursor)) {
        positions.set(chatId, id);
        if (!this.#watched.includes(chatId)) this.#watched.push(chatId);
      }
    }
    this.#positions = positions;
    const { network, heartbeats, connectionTtlMs } = this.#runtime;
    await network.connect(this.sessionId, this.connectionId, connectionTtlMs);
    this.#state = 'connected';
    heartbeats.add(this);
    await this.#startAtNewest(this.#watched.filter((c) => !positions.has(c)));
    for (const chatId of positions.keys()) await this.#catchUp(chatId);
    for (const chatId of this.#watched) this.#runtime.poller.add(chatId, this);
  }

  async disconnect(): Promise<void> {
    if (this.#state !== 'connected') return;
    this.#goOffline();
    await this.#runtime.network.disconnect(this.sessionId, this.connectionId);
  }

  dropCaches(): void {
    this.#cache = null;
  }

  async send(task: SendTask): Promise<SendResult> {
    if (this.#state === 'revoked') return { ok: false, kind: 'revoked', message: 'credential revoked' };
    if (this.#state !== 'connected') return { ok: false, kind: 'transient', message: 'not connected' };
    const floodMs = await this.#runtime.network.floodWaitMs(this.sessionId);
    if (floodMs > 0) return { ok: false, kind: 'flood_wait', message: `FLOOD_WAIT_${Math.ceil(floodMs / 1000)}`, retryAfterMs: floodMs };
    const encoded = task.op === 'send'
      ? encodePayload(task.payload)
      : encodePayload({ targetMessageIds: task.targetMessageIds ?? [], payload: task.payload ?? null });
    const bytes = Buffer.byteLength(encoded);
    this.#inFlightBytes += bytes;
    try {
      const kind = task.op === 'send' ? 'new' : task.op;
      // The idempotency key goes out as the send's nonce, so a redelivered task posts nothing twice.
      const id = await this.#runtime.network.deliverOnce(task.idempotencyKey, task.chatId, encoded, kind);
      return { ok: true, destinationMessageIds: task.op === 'send' ? [id] : [...(task.targetMessageIds ?? [])] };
    } catch (error) {
      return { ok: false, kind: 'transient', message: error instanceof Error ? error.message : String(error) };
    } finally {
      this.#inFlightBytes -= bytes;
    }
  }

  /** Sets the chats to watch (replacing the previous list). */
  async watch(chatIds: readonly string[]): Promise<void> {
    const next = [...new Set(chatIds)];
    const { poller } = this.#runtime;
    for (const chatId of this.#watched) {
      if (next.includes(chatId)) continue;
      poller.remove(chatId, this);
      this.#positions?.delete(chatId);
    }
    const added = next.filter((c) => !this.#watched.includes(c));
    this.#watched = next;
    if (this.#state !== 'connected' || added.length === 0) return;
    await this.#startAtNewest(added);
    for (const chatId of added) if (this.#watched.includes(chatId)) poller.add(chatId, this);
  }

  trackedBytes(): number {
    return (this.#cache?.bytes ?? 0) + this.#inFlightBytes;
  }

  cursor(): ResumeCursor {
    const out: Record<string, string> = {};
    for (const chatId of this.#watched) {
      const id = this.#positions?.get(chatId);
      if (id !== undefined) out[chatId] = id;
    }
    return out;
  }

  async ping(): Promise<boolean> {
    return this.#state === 'connected';
  }

  /** A recent message of a watched chat, if still cached. */
  cached(chatId: string, messageId: string): InboundMessage | undefined {
    return this.#cache?.get(`${chatId}/${messageId}`);
  }

  // --- PollSubscriber and HeartbeatTarget ---------------------------------

  positionOf(chatId: string): string | undefined {
    return this.#positions?.get(chatId);
  }

  receive(message: LoopbackMessage): void {
    if (this.#state !== 'connected') return;
    this.#positions?.set(message.chatId, message.messageId);
    const inbound: InboundMessage = { chatId: message.chatId, messageId: message.messageId, kind: message.kind, payload: message.payload, at: message.at };
    this.#cache ??= new MessageCache(this.#runtime.cacheMaxBytes, this.#runtime.cacheMaxEntries);
    this.#cache.set(`${message.chatId}/${message.messageId}`, inbound, message.bytes);
    this.#callbacks.onMessage(inbound);
  }

  connectionLost(reason: string): void {
    if (this.#state !== 'connected') return;
    this.#goOffline();
    this.#callbacks.onDisconnect(reason);
  }

  // --- internals ----------------------------------------------------------

  #goOffline(): void {
    this.#state = 'disconnected';
    this.#runtime.heartbeats.remove(this);
    for (const chatId of this.#watched) this.#runtime.poller.remove(chatId, this);
  }

  async #startAtNewest(chatIds: readonly string[]): Promise<void> {
    if (chatIds.length === 0) return;
    const last = await this.#runtime.network.lastIds(chatIds);
    this.#positions ??= new Map();
    for (const [chatId, id] of last) if (!this.#positions.has(chatId)) this.#positions.set(chatId, id);
  }

  async #catchUp(chatId: string): Promise<void> {
    for (;;) {
      const from = this.#positions?.get(chatId);
      if (from === undefined || this.#state !== 'connected') return;
      const page = await this.#runtime.network.read(chatId, from, CATCH_UP_PAGE);
      for (const message of page) this.receive(message);
      if (page.length < CATCH_UP_PAGE) return;
    }
  }
}

/** A client factory bound to `runtime`. */
export function loopbackClientFactory(runtime: LoopbackRuntime): PlatformClientFactory {
  return (spec, callbacks) => new LoopbackClient(runtime, spec, callbacks);
}

/** The loopback `PlatformClientFactory`, on the runtime installed in this thread (`installLoopbackRuntime`). */
export const createLoopbackClient: PlatformClientFactory = (spec, callbacks) =>
  new LoopbackClient(installedLoopbackRuntime(), spec, callbacks);
