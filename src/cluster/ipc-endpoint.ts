/**
 * comlink over a Node IPC channel (a forked child's `process.send` and the
 * parent's `ChildProcess`). One channel carries both the supervisor's RPC
 * calls and the worker's unsolicited events, so every message is wrapped in
 * an envelope naming its lane: comlink only ever sees the `rpc` lane, and an
 * event can never be mistaken for (or swallowed as) an RPC reply.
 *
 * IPC cannot transfer MessagePorts or ArrayBuffers, so comlink proxies and
 * `Comlink.transfer` do not work here; calls pass plain structured-cloneable
 * values (the channel must be forked with `serialization: 'advanced'` so Maps,
 * Dates, BigInts and typed arrays survive).
 */
import type { ChildProcess } from 'node:child_process';
import type { Endpoint } from 'comlink';

/** Which lane a message travels in. */
type Lane = 'rpc' | 'event';

/** What actually crosses the channel. */
interface Envelope {
  /** The lane; the property name is unusual on purpose so no payload is taken for an envelope. */
  sbLane: Lane;
  data: unknown;
}

function isEnvelope(message: unknown): message is Envelope {
  return typeof message === 'object' && message !== null && 'sbLane' in message
    && ((message as Envelope).sbLane === 'rpc' || (message as Envelope).sbLane === 'event');
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
  const rpcListeners = new Map<MessageListener, (message: unknown) => void>();
  const eventListeners = new Set<(event: TEvent) => void>();
  let unsent = 0;
  let flushed: Array<() => void> = [];

  function post(lane: Lane, data: unknown): void {
    if (peer.send === undefined || peer.connected === false) return;
    unsent += 1;
    // The callback form turns a send on a channel closing underneath us into
    // an ignored error instead of an 'error' event nobody listens to.
    peer.send({ sbLane: lane, data } satisfies Envelope, () => {
      unsent -= 1;
      if (unsent > 0) return;
      const waiting = flushed;
      flushed = [];
      for (const resolve of waiting) resolve();
    });
  }

  const onPeerMessage = (message: unknown): void => {
    if (!isEnvelope(message) || message.sbLane !== 'event') return;
    for (const listener of eventListeners) listener(message.data as TEvent);
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
      if (listener === null || rpcListeners.has(listener)) return;
      const wrapped = (message: unknown): void => {
        if (!isEnvelope(message) || message.sbLane !== 'rpc') return;
        const event = { data: message.data } as MessageEvent;
        if (typeof listener === 'function') listener(event);
        else listener.handleEvent(event);
      };
      rpcListeners.set(listener, wrapped);
      peer.on('message', wrapped);
    },
    removeEventListener(_type: string, listener: MessageListener): void {
      if (listener === null) return;
      const wrapped = rpcListeners.get(listener);
      if (wrapped === undefined) return;
      peer.off('message', wrapped);
      rpcListeners.delete(listener);
    },
  };

  return {
    endpoint,
    sendEvent: (event) => post('event', event),
    flush: () => (unsent === 0 || peer.connected === false
      ? Promise.resolve()
      : new Promise<void>((resolve) => flushed.push(resolve))),
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    close() {
      peer.off('message', onPeerMessage);
      for (const wrapped of rpcListeners.values()) peer.off('message', wrapped);
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
