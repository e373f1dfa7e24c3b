/**
 * comlink over a Node IPC channel (a forked child's `process.send` and the
 * parent's `ChildProcess`). One channel carries both the supervisor's RPC
 * calls and the worker's unsolicited events, so every message is wrapped in
 * an envelope naming its lane: comlink only ever sees the `rpc` lane, and an
 * event can never be mistaken for (or swallowed as) an RPC reply.
 *
 * Messages posted in one turn of the event loop cross as one batch: every
 * `send` on an IPC channel is a write system call, and under load the
 * supervisor posted several per forwarded message (a dispatch, then a
 * reply's worth on the way back); on a virtual machine those calls were a
 * fifth of its CPU. Order is kept within and across batches.
 *
 * IPC cannot transfer MessagePorts or ArrayBuffers, so comlink proxies and
 * `Comlink.transfer` do not work here; calls pass plain structured-cloneable
 * values (the channel must be forked with `serialization: 'advanced'` so Maps,
 * Dates, BigInts and typed arrays survive).
 */
import type { ChildProcess } from 'node:child_process';
import type { Endpoint } from 'comlink';
import { TurnOutbox } from './turn-outbox.ts';

/** Which lane a message travels in. */
type Lane = 'rpc' | 'event';

/** What actually crosses the channel: one message, or the messages of one turn in order. */
type Envelope =
  /** The lane; the property name is unusual on purpose so no payload is taken for an envelope. */
  | { sbLane: Lane; data: unknown }
  | { sbLane: 'batch'; data: Array<{ sbLane: Lane; data: unknown }> };

function isEnvelope(message: unknown): message is Envelope {
  if (typeof message !== 'object' || message === null || !('sbLane' in message)) return false;
  const lane = (message as Envelope).sbLane;
  return lane === 'rpc' || lane === 'event' || (lane === 'batch' && Array.isArray((message as Envelope).data));
}

/** The two ends of a Node IPC channel look alike: a `send` and `message` events. */
export interface IpcPeer {
  send?: ((message: unknown, callback?: (error: Error | null) => void) => boolean) | undefined;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
  readonly connected?: boolean | undefined;
}

type MessageListener = Parameters<Endpoint['addEventListener']>[1];

export interface IpcChannel<TEvent = unknown> {
  /** comlink endpoint for the `rpc` lane: pass to `Comlink.expose` on one side and `Comlink.wrap` on the other. */
  endpoint: Endpoint;
  /** Sends an event on the `event` lane; dropped silently when the channel is already closed. */
  sendEvent(event: TEvent): void;
  /** Resolves once every message sent so far has been handed to the OS (or the channel closed): call before `process.exit`. */
  flush(): Promise<void>;
  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: (event: TEvent) => void): () => void;
  /** Stops listening on the peer, so the channel no longer keeps the process' listeners alive. */
  close(): void;
}

/** A channel over any peer shaped like a Node IPC end (tests link two EventEmitters). */
export function channelOverPeer<TEvent>(peer: IpcPeer): IpcChannel<TEvent> {
  const rpcListeners = new Set<MessageListener>();
  const eventListeners = new Set<(event: TEvent) => void>();
  let unsent = 0;
  let flushed: Array<() => void> = [];
  const outbox = new TurnOutbox<{ sbLane: Lane; data: unknown }>(sendBatch);

  function sendBatch(batch: Array<{ sbLane: Lane; data: unknown }>): void {
    if (peer.send === undefined || peer.connected === false) return;
    unsent += 1;
    const message: Envelope = batch.length === 1 ? batch[0]! : { sbLane: 'batch', data: batch };
    // The callback form turns a send on a channel closing underneath us into
    // an ignored error instead of an 'error' event nobody listens to.
    peer.send(message, () => {
      unsent -= 1;
      if (unsent > 0 || outbox.size > 0) return;
      const waiting = flushed;
      flushed = [];
      for (const resolve of waiting) resolve();
    });
  }

  function post(lane: Lane, data: unknown): void {
    if (peer.send === undefined || peer.connected === false) return;
    outbox.push({ sbLane: lane, data });
  }

  function deliver(lane: Lane, data: unknown): void {
    if (lane === 'event') {
      for (const listener of eventListeners) listener(data as TEvent);
      return;
    }
    const event = { data } as MessageEvent;
    for (const listener of rpcListeners) {
      if (typeof listener === 'function') listener(event);
      else listener?.handleEvent(event);
    }
  }

  const onPeerMessage = (message: unknown): void => {
    if (!isEnvelope(message)) return;
    if (message.sbLane === 'batch') for (const m of message.data) deliver(m.sbLane, m.data);
    else deliver(message.sbLane, message.data);
  };
  peer.on('message', onPeerMessage);

  const endpoint: Endpoint = {
    postMessage(message: unknown, transfer?: unknown[]): void {
      if (transfer !== undefined && transfer.length > 0) {
        throw new TypeError('IPC channels cannot transfer objects; pass plain values instead of comlink proxies or transfers');
      }
      post('rpc', message);
    },
    addEventListener(_type: string, listener: MessageListener): void {
      if (listener !== null) rpcListeners.add(listener);
    },
    removeEventListener(_type: string, listener: MessageListener): void {
      rpcListeners.delete(listener);
    },
  };

  return {
    endpoint,
    sendEvent: (event) => post('event', event),
    flush() {
      outbox.flush();
      return unsent === 0 || peer.connected === false
        ? Promise.resolve()
        : new Promise<void>((resolve) => flushed.push(resolve));
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    close() {
      peer.off('message', onPeerMessage);
      rpcListeners.clear();
      eventListeners.clear();
    },
  };
}

/** The child's end: its own `process` (must have been forked with an IPC channel). */
export function parentChannel<TEvent = unknown>(proc: NodeJS.Process = process): IpcChannel<TEvent> {
  if (proc.send === undefined) throw new TypeError('This process has no IPC channel; fork it with child_process.fork');
  return channelOverPeer<TEvent>(proc as unknown as IpcPeer);
}

/** The parent's end: a child started with `child_process.fork`. */
export function childChannel<TEvent = unknown>(child: ChildProcess): IpcChannel<TEvent> {
  return channelOverPeer<TEvent>(child as unknown as IpcPeer);
}
