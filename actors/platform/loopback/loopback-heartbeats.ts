/**
 * Heartbeats of many loopback connections in one round trip. Clients have no
 * timers of their own: the owner (a thread host) calls `beat` for all of them,
 * or lets `start` do it on one timer.
 *
 * Lease rule: the owner must disconnect a client whose lease stop deadline has
 * passed BEFORE the next beat; a beat sent after the deadline would stretch
 * the connection past the lease. With that, a connection lives at most
 * `connectionTtlMs` after the last beat sent before the deadline, which is
 * within the lease as long as `connectionTtlMs` is at most the lease's
 * `stopMarginMs` minus the worst delay of a request.
 */
import type { ConnectionRef, LoopbackNetwork } from './loopback-network.ts';

/** A connection kept alive by heartbeats; the loopback client is one. */
export interface HeartbeatTarget extends ConnectionRef {
  /** The network dropped the connection (it expired between beats). */
  connectionLost(reason: string): void;
}

export class LoopbackHeartbeats {
  /** TTL each beat gives the connections, ms. */
  readonly connectionTtlMs: number;
  readonly #network: LoopbackNetwork;
  /** Target -> serial of its registration, so a beat answered after a reconnect is not taken for the new connection. */
  readonly #targets = new Map<HeartbeatTarget, number>();
  #serial = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(network: LoopbackNetwork, connectionTtlMs: number) {
    this.#network = network;
    this.connectionTtlMs = connectionTtlMs;
  }

  get size(): number {
    return this.#targets.size;
  }

  add(target: HeartbeatTarget): void {
    this.#targets.set(target, ++this.#serial);
  }

  remove(target: HeartbeatTarget): void {
    this.#targets.delete(target);
  }

  /** Extends every registered connection in one call; those already gone are removed and told. */
  async beat(): Promise<{ extended: number; lost: number }> {
    const entries = [...this.#targets];
    if (entries.length === 0) return { extended: 0, lost: 0 };
    const alive = await this.#network.heartbeatMany(entries.map(([t]) => t), this.connectionTtlMs);
    let lost = 0;
    entries.forEach(([t, serial], i) => {
      // Removed (or removed and added again) while the beat was in flight:
      // it disconnected on purpose, and this answer is not about its new connection.
      if (alive[i] || this.#targets.get(t) !== serial) return;
      this.#targets.delete(t);
      lost += 1;
      t.connectionLost('connection timed out');
    });
    return { extended: entries.length - lost, lost };
  }

  /** Beats every `intervalMs` (recommended: a third of the connection TTL) on one timer until `stop`. */
  start(intervalMs: number, onError?: (error: unknown) => void): void {
    if (this.#timer !== null) return;
    const loop = (): void => {
      this.beat().catch((error: unknown) => onError?.(error)).finally(() => {
        if (this.#timer !== null) this.#timer = setTimeout(loop, intervalMs);
      });
    };
    this.#timer = setTimeout(loop, intervalMs);
  }

  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
