/**
 * One thread of a worker's pool as the worker holds it: the long-lived host
 * task running on it, the comlink proxy to its ThreadHostApi and its event
 * port. When the thread dies the slot is launched again (piscina replaces the
 * thread) and gets a new generation; calls in flight on the dead thread fail
 * with `thread_unavailable` (comlink alone would leave them pending forever),
 * and calls made until the new host is launched wait for it.
 */
import { Fuse } from '../src/infra/fuse.ts';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import type { Piscina } from 'piscina';
import type { ResumeCursor } from '../src/runtime-contracts/actor-contract.ts';
import type { ThreadEvent, ThreadHostApi, ThreadHostInit } from '../src/runtime-contracts/thread-host-api.ts';
import { coalescingPort } from '../src/cluster/coalescing-port.ts';
import { nodeEndpoint } from '../src/cluster/comlink-node.ts';
import { ThreadUnavailableError } from '../src/errors/registry.ts';

/**
 * Posted by a host on its event port after its last event: the event port and
 * the RPC port are not ordered with each other, so the worker waits for this
 * before taking a shutdown as complete (and exiting with events unsent).
 */
export const EVENTS_END = 'sb:thread-events-end';

/** ThreadHostInit without what the slot fills in itself. */
export type ThreadHostSettings = Omit<ThreadHostInit, 'threadIndex' | 'rpcPort' | 'eventPort'>;

export interface ThreadSlotHandlers {
  /** A ThreadEvent from the current generation's host. */
  onEvent(event: ThreadEvent, slot: ThreadSlot): void;
  /** The host task rejected: the thread died (heap cap, crash). Not called after a clean shutdown. */
  onDeath(error: unknown, slot: ThreadSlot): void;
}

type NodeEndpointTarget = Parameters<typeof nodeEndpoint>[0];

export class ThreadSlot {
  readonly index: number;
  /** Launches so far; events and deaths of an earlier generation are ignored. */
  generation = 0;
  /** Times the thread was restarted after dying. */
  restarts = 0;
  alive = false;
  readonly #pool: Piscina;
  readonly #settings: ThreadHostSettings;
  readonly #handlers: ThreadSlotHandlers;
  #remote: Comlink.Remote<ThreadHostApi> | null = null;
  #ports: MessagePort[] = [];
  #died = new Fuse();
  #ready!: Promise<void>;
  #markReady!: () => void;
  /** Resolves with the cursors the host returned once it ends cleanly. */
  ended: Promise<Record<string, ResumeCursor> | null> = Promise.resolve(null);
  /** Resolves once the host of the current generation has posted its last event. */
  eventsEnded: Promise<void> = Promise.resolve();

  constructor(index: number, pool: Piscina, settings: ThreadHostSettings, handlers: ThreadSlotHandlers) {
    this.index = index;
    this.#pool = pool;
    this.#settings = settings;
    this.#handlers = handlers;
    this.#resetReady();
  }

  /** Starts a host task on a (new) thread of the pool. */
  launch(): void {
    this.generation += 1;
    const generation = this.generation;
    const rpc = new MessageChannel();
    const events = new MessageChannel();
    this.#ports = [rpc.port1, events.port1];
    // Both ports coalesce what is posted in one turn; the host wraps its ends the same way.
    this.#remote = Comlink.wrap<ThreadHostApi>(nodeEndpoint(coalescingPort(rpc.port1) as unknown as NodeEndpointTarget));
    let endEvents!: () => void;
    this.eventsEnded = new Promise<void>((resolve) => {
      endEvents = resolve;
    });
    coalescingPort(events.port1).on('message', (data: unknown) => {
      const event = data as ThreadEvent | typeof EVENTS_END;
      if (event === EVENTS_END) endEvents();
      else if (this.generation === generation) this.#handlers.onEvent(event, this);
    });
    const died = new Fuse();
    this.#died = died;
    const init: ThreadHostInit = {
      ...this.#settings,
      threadIndex: this.index,
      rpcPort: rpc.port2 as unknown as ThreadHostInit['rpcPort'],
      eventPort: events.port2 as unknown as ThreadHostInit['eventPort'],
    };
    const task = this.#pool.run(init, { transferList: [rpc.port2, events.port2] }) as Promise<Record<string, ResumeCursor>>;
    this.alive = true;
    this.#markReady();
    this.ended = task.then(
      (cursors) => {
        if (this.generation === generation) this.alive = false;
        return cursors;
      },
      (error: unknown) => {
        if (this.generation !== generation) return null;
        this.alive = false;
        this.#resetReady();
        for (const port of this.#ports) port.close();
        died.blow(new ThreadUnavailableError({ workerId: this.#settings.workerId, threadIndex: this.index, reason: describe(error) }));
        this.#handlers.onDeath(error, this);
        return null;
      },
    );
  }

  /** Calls the host; waits for a launch in progress, fails with `thread_unavailable` if the thread dies first. */
  async call<T>(fn: (api: Comlink.Remote<ThreadHostApi>) => Promise<T>): Promise<T> {
    await this.#ready;
    const remote = this.#remote;
    if (remote === null) throw new ThreadUnavailableError({ workerId: this.#settings.workerId, threadIndex: this.index, reason: 'not launched' });
    return this.#died.guard(fn(remote));
  }

  /** Closes this side of the ports (after the host ended). */
  close(): void {
    for (const port of this.#ports) port.close();
    this.#ports = [];
  }

  #resetReady(): void {
    this.#ready = new Promise<void>((resolve) => {
      this.#markReady = resolve;
    });
  }
}

/** A thread's death as one line: piscina's code (ERR_WORKER_OUT_OF_MEMORY...) and message. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
