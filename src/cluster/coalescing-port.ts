/**
 * A worker_threads MessagePort whose messages posted in one turn of the event
 * loop cross as one: each `postMessage` costs an allocation, a serialization
 * and a wake-up of the receiving thread (an eventfd write), and a worker's
 * main thread relays several per forwarded message between its threads and
 * the supervisor. Both ends must wrap their port; order is kept.
 *
 * Messages with a transfer list go at once, after whatever is queued, so
 * comlink's proxies and transfers still work.
 */
import { TurnOutbox } from './turn-outbox.ts';

/** The part of a MessagePort this uses (tests pass two linked EventEmitters). */
export interface PortLike {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(type: 'message', listener: (data: unknown) => void): unknown;
  off(type: 'message', listener: (data: unknown) => void): unknown;
}

/** What crosses the port for several messages; the key is unusual so no payload is taken for a batch. */
interface Batch {
  sbPortBatch: unknown[];
}

function isBatch(data: unknown): data is Batch {
  return typeof data === 'object' && data !== null && Array.isArray((data as Batch).sbPortBatch);
}

export interface CoalescingPort extends PortLike {
  /** Posts what is queued now (before a port is closed). */
  flush(): void;
}

export function coalescingPort(port: PortLike): CoalescingPort {
  const outbox = new TurnOutbox<unknown>((out) => {
    port.postMessage(out.length === 1 && !isBatch(out[0]) ? out[0] : ({ sbPortBatch: out } satisfies Batch));
  });
  const listeners = new Map<(data: unknown) => void, (data: unknown) => void>();

  return {
    postMessage(message, transfer) {
      if (transfer !== undefined && transfer.length > 0) {
        outbox.flush();
        port.postMessage(message, transfer);
        return;
      }
      outbox.push(message);
    },
    on(_type, listener) {
      if (listeners.has(listener)) return this;
      const unpack = (data: unknown): void => {
        if (isBatch(data)) for (const m of data.sbPortBatch) listener(m);
        else listener(data);
      };
      listeners.set(listener, unpack);
      port.on('message', unpack);
      return this;
    },
    off(_type, listener) {
      const unpack = listeners.get(listener);
      if (unpack === undefined) return this;
      listeners.delete(listener);
      port.off('message', unpack);
      return this;
    },
    flush: () => outbox.flush(),
  };
}
