/**
 * The Telegram platform's client: one user session (a gramjs StringSession,
 * the credential) over gramjs, one connection at a time. Connecting resumes
 * the stored auth key (no new handshake), then, when this client or the
 * cursor (update-state-cursor.ts) knows an update state, asks for the
 * difference, which brings what was posted, edited and deleted meanwhile;
 * with none, takes the state (`updates.getState`) and reads every watched
 * chat from the cursor (`messages.getHistory`). Live updates wait until
 * that is done and go through
 * the update pump (update-pump.ts), which drops duplicates and fetches what a
 * gap or a reconnect left out. A watchdog pings a silent connection and
 * starts over on a zombie. gramjs is loaded on the first connect, so threads
 * without Telegram sessions never pay for it.
 */
import { CHAT_TOPIC } from '../../../src/forwarding/routing/topic-mapping.ts';
import type { TelegramClient as GramClient } from 'telegram';
import type { FilePiece, FileRead, ResumeCursor, SendResult, SendTask } from '../../../src/runtime-contracts/actor-contract.ts';
import type { PlatformCallbacks, PlatformClient, PlatformClientFactory } from '../platform-client.ts';
import { FloodPacer } from './flood-pacer.ts';
import { forwardSourceOf } from './forward-mode.ts';
import type { Connection } from './session-connection.ts';
import type { SessionMemory } from './session-memory.ts';
import { sessionEnded } from './telegram-errors.ts';
import type * as TelegramEngineModule from './telegram-engine.ts';
import type { TelegramRuntime } from './telegram-runtime.ts';
import type { UpdatePump } from './update-pump.ts';

type TelegramEngine = typeof TelegramEngineModule;
let engineLoading: Promise<TelegramEngine> | null = null;

/** gramjs and what uses it, imported on the first connect of the thread (see telegram-engine.ts). */
function loadEngine(): Promise<TelegramEngine> {
  engineLoading ??= import('./telegram-engine.ts');
  return engineLoading;
}

/**
 * Heap and external memory of one connected, idle gramjs client beyond what
 * the client counts itself (sender, MTProto state, socket, session, the
 * connection's objects): about 48 KB of heap and 10 KB external measured
 * with 300 idle clients in one thread against the fake
 * (test/integration/telegram/telegram-adapter-memory.test.ts).
 */
const CONNECTION_BYTES = 56 * 1024;

/** A chat's buckets in the pacer (two objects and a map entry), rounded up. */
const PACED_CHAT_BYTES = 256;

type ClientState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'revoked';

export class TelegramSessionClient implements PlatformClient {
  readonly #runtime: TelegramRuntime;
  readonly #callbacks: PlatformCallbacks;
  readonly #credential: string;
  #state: ClientState = 'new';
  #generation = 0;
  #engine: TelegramEngine | null = null;
  #connection: Connection | null = null;
  /** The gramjs client of a connect still under way: a disconnect meanwhile closes it at once (single activation). */
  #opening: GramClient | null = null;
  /** What outlives a connection; made on the first connect (it needs gramjs). */
  #memory: SessionMemory | null = null;
  /** The chats to watch, for the memory still to be made. */
  #watchList: readonly string[] = [];
  #lastHeardAt = 0;
  #inFlightBytes = 0;
  #revokedReason = '';
  /** The account's send pacing, learnt across its connections. */
  readonly #pacer: FloodPacer;

  constructor(runtime: TelegramRuntime, credential: string, callbacks: PlatformCallbacks) {
    this.#runtime = runtime;
    this.#credential = credential;
    this.#callbacks = callbacks;
    this.#pacer = new FloodPacer(runtime.pacing);
  }

  /**
   * Connects and, with a cursor, reports every message after it (per chat,
   * oldest first) before any live one. A session Telegram no longer accepts
   * calls `onCredentialsRejected` and resolves; other failures reject.
   */
  async connect(cursor: ResumeCursor | null): Promise<void> {
    if (this.#state === 'connected' || this.#state === 'connecting') return;
    if (this.#state === 'revoked') {
      this.#callbacks.onCredentialsRejected(this.#revokedReason);
      return;
    }
    this.#state = 'connecting';
    const generation = ++this.#generation;
    let engine: TelegramEngine;
    try {
      engine = this.#engine ??= await loadEngine();
    } catch (error) {
      this.#state = 'disconnected';
      throw error;
    }
    const memory = this.#memoryOf(engine);
    const reconnect = memory.state.common !== null;
    const restored = cursor !== null && memory.resumeFrom(cursor);
    const start = reconnect ? 'reconnect' : restored ? 'stored' : 'new';
    const { ready, release } = memory.pump.hold();
    let gram: GramClient;
    try {
      gram = engine.makeGramClient(this.#runtime, this.#credential, {
        onUpdate: (updates) => this.#onUpdate(updates, generation),
        onReconnected: () => this.#afterReconnect(generation),
        onKeyUnknown: () => void this.#onTerminal('AUTH_KEY_UNREGISTERED (Telegram no longer knows the session key)', generation),
      });
    } catch {
      release();
      this.#revoke('the stored Telegram session is not a valid session string');
      return;
    }
    this.#opening = gram;
    try {
      await engine.connectGram(gram, this.#runtime);
      if (generation !== this.#generation) throw new Error('disconnected while connecting');
      const connection = this.#open(engine, gram, generation, memory);
      this.#connection = connection;
      this.#lastHeardAt = Date.now();
      await ready;
      await engine.catchUpOnConnect(connection.invoke, connection.io, memory, start, this.#runtime.dialogPages);
      if (generation !== this.#generation) throw new Error('disconnected while connecting');
    } catch (error) {
      if (generation === this.#generation) this.#connection = null;
      if (this.#opening === gram) this.#opening = null;
      await engine.closeGram(gram);
      release();
      if (generation !== this.#generation) return;
      const ended = sessionEnded(error);
      if (ended !== null) {
        this.#revoke(ended);
        return;
      }
      this.#state = 'disconnected';
      throw error;
    }
    this.#opening = null;
    this.#state = 'connected';
    this.#connection.watchdog.start();
    release();
  }

  async disconnect(): Promise<void> {
    this.#generation += 1;
    if (this.#state !== 'revoked' && this.#state !== 'new') this.#state = 'disconnected';
    const connection = this.#connection;
    const opening = this.#opening;
    this.#connection = null;
    this.#opening = null;
    connection?.watchdog.stop();
    connection?.abort('the connection was closed');
    const grams = new Set([connection?.gram, opening].filter((g): g is GramClient => g !== undefined && g !== null));
    await Promise.all([...grams].map((gram) => this.#engine!.closeGram(gram)));
  }

  dropCaches(): void {
    // Peers beyond the needed ones go; positions and recently seen ids stay (deletes need them).
    this.#memory?.peers.dropRecent();
  }

  async send(task: SendTask): Promise<SendResult> {
    if (this.#state === 'revoked') return { ok: false, kind: 'revoked', message: this.#revokedReason };
    const connection = this.#connection;
    if (this.#state !== 'connected' || connection === null) return { ok: false, kind: 'transient', message: 'not connected to Telegram' };
    this.#memory?.sendsTo(task.chatId);
    const forwardSource = forwardSourceOf(task);
    if (forwardSource !== null) this.#memory?.sendsTo(forwardSource);
    const { sender } = connection;
    const result = task.op === 'send' ? await sender.send(task) : task.op === 'edit' ? await sender.edit(task) : await sender.delete(task);
    if (!result.ok && result.kind === 'revoked') await this.#onTerminal(result.message, connection.generation);
    // The session ended while this send was in flight (its key refused on another request).
    if (!result.ok && (this.#state as ClientState) === 'revoked') return { ok: false, kind: 'revoked', message: this.#revokedReason };
    return result;
  }

  /** A piece of a file this account can read, for another platform's copy; rejects while not connected. */
  async readFile(read: FileRead): Promise<FilePiece> {
    if (this.#state === 'revoked') return { gone: this.#revokedReason };
    const connection = this.#connection;
    if (this.#state !== 'connected' || connection === null) throw new Error('not connected to Telegram');
    const peers = this.#memory!.peers;
    this.#inFlightBytes += read.limit;
    try {
      return await this.#engine!.readFilePiece({ invoke: connection.invoke, invokeOn: connection.invokeOn, inputPeer: (chatId) => peers.inputPeer(chatId) }, read);
    } catch (error) {
      const ended = sessionEnded(error);
      if (ended !== null) await this.#onTerminal(ended, connection.generation);
      throw error;
    } finally {
      this.#inFlightBytes -= read.limit;
    }
  }

  /**
   * A forum topic's title, for a pair mapping topics to open its copy with;
   * for CHAT_TOPIC the chat's own (a post opened for the whole chat); rejects while not connected.
   */
  async topicTitle(chatId: string, topicId: string): Promise<string | null> {
    if (this.#state === 'revoked') return null;
    const connection = this.#connection;
    if (this.#state !== 'connected' || connection === null) throw new Error('not connected to Telegram');
    if (topicId === CHAT_TOPIC) return this.#memory!.peers.nameOf(chatId) ?? null;
    const peer = this.#memory!.peers.inputPeer(chatId);
    if (peer === null || !/^[1-9][0-9]{0,9}$/.test(topicId)) return null;
    try {
      return await this.#engine!.readTopicTitle(connection.invoke, peer, Number(topicId));
    } catch (error) {
      const ended = sessionEnded(error);
      if (ended !== null) await this.#onTerminal(ended, connection.generation);
      throw error;
    }
  }

  /** Sets the chats to report (marked ids); a newly watched chat starts at its newest message. */
  async watch(chatIds: readonly string[]): Promise<void> {
    this.#watchList = [...chatIds];
    const memory = this.#memory;
    if (memory === null) return;
    const added = memory.watch(chatIds);
    const connection = this.#connection;
    if (this.#state !== 'connected' || connection === null || added.length === 0) return;
    try {
      await memory.pump.run(() => this.#engine!.locateChats(connection.invoke, memory, added, this.#runtime.dialogPages));
    } catch (error) {
      const ended = sessionEnded(error);
      if (ended === null) throw error;
      await this.#onTerminal(ended, connection.generation);
    }
  }

  trackedBytes(): number {
    return (this.#connection === null ? 0 : CONNECTION_BYTES) + (this.#memory?.trackedBytes() ?? 0) + this.#inFlightBytes + this.#pacer.chats * PACED_CHAT_BYTES;
  }

  cursor(): ResumeCursor {
    return this.#memory?.cursor() ?? {};
  }

  /** True when connected and the connection was heard from lately or answers a probe now. */
  async ping(): Promise<boolean> {
    const connection = this.#connection;
    if (this.#state !== 'connected' || connection === null) return false;
    if (Date.now() - this.#lastHeardAt < this.#runtime.silenceMs) return true;
    try {
      await connection.probe();
      return true;
    } catch (error) {
      const ended = sessionEnded(error);
      if (ended !== null) await this.#onTerminal(ended, connection.generation);
      return false;
    }
  }

  #memoryOf(engine: TelegramEngine): SessionMemory {
    if (this.#memory !== null) return this.#memory;
    this.#memory = new engine.SessionMemory({
      peerCacheSize: this.#runtime.peerCacheSize,
      emit: (message) => this.#callbacks.onMessage(message),
      io: () => this.#connection?.io ?? null,
      onError: (error) => this.#onPumpError(error),
      checkpoint: (positions) => this.#callbacks.onPositions?.(positions),
      notice: (notice) => this.#callbacks.onNotice?.(notice),
    });
    this.#memory.watch(this.#watchList);
    return this.#memory;
  }

  #open(engine: TelegramEngine, gram: GramClient, generation: number, memory: SessionMemory): Connection {
    const current = (): boolean => generation === this.#generation;
    return engine.makeConnection(this.#runtime, gram, generation, memory, {
      heard: () => {
        if (current()) this.#lastHeardAt = Date.now();
      },
      lastHeardAt: () => this.#lastHeardAt,
      applied: (answer, channelId) => {
        if (answer instanceof engine.Api.messages.AffectedMessages) memory.pump.advance(answer.pts, answer.ptsCount, channelId);
        else memory.pump.push(answer, null);
      },
      behind: () => this.#afterReconnect(generation),
      dead: (reason, error) => {
        const ended = sessionEnded(error);
        if (ended !== null) void this.#onTerminal(ended, generation);
        else void this.#startOver(reason, generation);
      },
      track: (bytes) => {
        this.#inFlightBytes += bytes;
      },
      pacer: this.#pacer,
    });
  }

  #onUpdate(updates: Parameters<UpdatePump['push']>[0], generation: number): void {
    if (generation !== this.#generation) return;
    this.#lastHeardAt = Date.now();
    this.#memory?.pump.push(updates, null);
  }

  /** gramjs reconnected a dropped socket, or the server holds updates back: what was missed is fetched (gramjs would not). */
  #afterReconnect(generation: number): void {
    if (generation !== this.#generation || this.#state !== 'connected') return;
    this.#lastHeardAt = Date.now();
    const pump = this.#memory!.pump;
    pump.run(() => pump.recover()).catch((error: unknown) => this.#onPumpError(error));
  }

  /** Other failures (a timeout, a dropped socket) leave the gap in place: the next update or probe asks again. */
  #onPumpError(error: unknown): void {
    const ended = sessionEnded(error);
    if (ended !== null) void this.#onTerminal(ended, this.#connection?.generation ?? -1);
  }

  /** A zombie: closes the connection and connects anew from the known state; tells the actor only if that fails. */
  async #startOver(reason: string, generation: number): Promise<void> {
    if (generation !== this.#generation || this.#state !== 'connected') return;
    await this.disconnect();
    try {
      await this.connect(this.cursor());
    } catch (error) {
      this.#callbacks.onDisconnect(`${reason}; reconnecting failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Telegram ended the session: revoked at once (sends in flight answer so), then the connection is closed and the actor told. */
  async #onTerminal(reason: string, generation: number): Promise<void> {
    if (generation !== this.#generation || this.#state === 'revoked') return;
    this.#state = 'revoked';
    this.#revokedReason = reason;
    await this.disconnect();
    this.#callbacks.onCredentialsRejected(reason);
  }

  #revoke(reason: string): void {
    this.#state = 'revoked';
    this.#revokedReason = reason;
    this.#callbacks.onCredentialsRejected(reason);
  }
}

/** A client factory bound to `runtime`. */
export function telegramClientFactory(runtime: TelegramRuntime): PlatformClientFactory {
  return (spec, callbacks) => new TelegramSessionClient(runtime, spec.credential, callbacks);
}
