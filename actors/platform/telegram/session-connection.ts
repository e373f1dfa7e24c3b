/**
 * What one connection of a Telegram client is made of: the gramjs client,
 * requests bounded by the runtime's timeout (gramjs waits for an answer
 * forever, and a zombie never answers), the sender and the pump's requests
 * bound to them, and the watchdog with its probes. Replaced whole on every
 * connect; the client keeps what outlives a connection (feed, peers, update
 * state).
 */
import { Fuse } from '../../../src/infra/fuse.ts';
import { Api } from 'telegram';
import type { TelegramClient } from 'telegram';
import type { Invoke } from './dialog-scan.ts';
import type { FloodPacer } from './flood-pacer.ts';
import { locateChats, pumpIo } from './pump-io.ts';
import { UnknownChats } from './unknown-chats.ts';
import type { Inbound } from './pump-io.ts';
import { within } from './gramjs-session.ts';
import { SessionWatchdog } from './session-watchdog.ts';
import type { TelegramRuntime } from './telegram-runtime.ts';
import { TelegramSender } from './telegram-sender.ts';
import type { PumpIo } from './update-pump.ts';

/** How long a destination not found among the dialogs is believed missing before they are read again for it. */
const UNKNOWN_CHAT_RETRY_MS = 5 * 60_000;

export interface ConnectionHooks {
  /** The connection received something (an answer, a pong). */
  heard(): void;
  lastHeardAt(): number;
  /** An answer to a send, edit or delete that moved a pts sequence. */
  applied(answer: Api.TypeUpdates | Api.messages.AffectedMessages, channelId: string | null): void;
  /** updates.getState showed the server ahead of what the client applied: updates were held back. */
  behind(serverPts: number): void;
  /** The watchdog found the connection dead. */
  dead(reason: string, error: unknown): void;
  /** Adds to (or takes from) the client's in-flight bytes. */
  track(bytes: number): void;
  /** The account's send pacing (it outlives connections). */
  pacer: FloodPacer;
}

export interface Connection {
  generation: number;
  gram: TelegramClient;
  invoke: Invoke;
  /** `invoke` on another data centre (a file stored there). */
  invokeOn<R extends Api.AnyRequest>(dcId: number, request: R): Promise<R['__response']>;
  io: PumpIo;
  sender: TelegramSender;
  watchdog: SessionWatchdog;
  /**
   * Asks `updates.getState`: an authorized request, so besides a live
   * connection it proves the session still stands (a bare ping would not),
   * and its pts shows updates the server held back.
   */
  probe(): Promise<void>;
  /** Fails every request still waiting (the connection is being closed: gramjs would leave them waiting). */
  abort(reason: string): void;
}

export function makeConnection(runtime: TelegramRuntime, gram: TelegramClient, generation: number, inbound: Inbound, hooks: ConnectionHooks): Connection {
  let lastAskedAt = Date.now();
  const aborted = new Fuse();
  const ask = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> => aborted.guard(within(promise, ms, what));
  const invoke: Invoke = async (request) => {
    lastAskedAt = Date.now();
    const answer = await ask(gram.invoke(request), runtime.requestTimeoutMs, request.className);
    hooks.heard();
    return answer;
  };
  const invokeOn = async <R extends Api.AnyRequest>(dcId: number, request: R): Promise<R['__response']> => {
    lastAskedAt = Date.now();
    const answer = await ask(gram.invoke(request, dcId), runtime.requestTimeoutMs, request.className);
    hooks.heard();
    return answer;
  };
  const unknown = new UnknownChats(UNKNOWN_CHAT_RETRY_MS);
  const sender = new TelegramSender({
    invoke,
    peers: inbound.peers,
    resolve: async (chatId) => {
      if (unknown.known(chatId, Date.now())) return null;
      await locateChats(invoke, inbound, [chatId], runtime.dialogPages);
      const found = inbound.peers.inputPeer(chatId);
      if (found === null) unknown.missed(chatId, Date.now());
      return found;
    },
    applied: hooks.applied,
    track: hooks.track,
    pacer: hooks.pacer,
    files: { limitBytes: runtime.uploadLimitBytes, downloadTimeoutMs: runtime.downloadTimeoutMs },
  });
  const probe = async (): Promise<void> => {
    const server = await ask(gram.invoke(new Api.updates.GetState()), runtime.probeTimeoutMs, 'updates.GetState');
    lastAskedAt = Date.now();
    hooks.heard();
    const local = inbound.state.common;
    if (local !== null && server.pts > local.pts) hooks.behind(server.pts);
  };
  const watchdog = new SessionWatchdog({
    silenceMs: runtime.silenceMs,
    probeTimeoutMs: runtime.probeTimeoutMs,
    keepAliveMs: runtime.keepAliveMs,
    lastHeardAt: hooks.lastHeardAt,
    lastAskedAt: () => lastAskedAt,
    probe,
    onDead: hooks.dead,
  });
  return { generation, gram, invoke, invokeOn, io: pumpIo(invoke, inbound), sender, watchdog, probe, abort: (reason) => aborted.blow(new Error(reason)) };
}
