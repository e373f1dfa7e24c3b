/**
 * One poller for the watched chats of many loopback clients: each tick is a
 * single non-blocking XREAD over every watched chat, so 10 000 clients cost
 * one Redis call per tick rather than 10 000 (and no blocked connection).
 */
import { InvalidOptionError } from '../../../src/errors/registry.ts';
import { compareStreamIds } from './loopback-network.ts';
import type { LoopbackMessage, LoopbackNetwork } from './loopback-network.ts';

/** A watcher of chats; the loopback client is one. */
export interface PollSubscriber {
  /** Stream id after which this subscriber wants the chat's messages. */
  positionOf(chatId: string): string | undefined;
  /** A message after its position, in chat order; the subscriber moves its position. */
  receive(message: LoopbackMessage): void;
}

export interface LoopbackPollerOptions {
  /** Messages read per chat per tick; a longer backlog is read over the next ticks. Default 100. */
  countPerChat?: number;
  /** Told of a failed tick started by `start` (the next tick retries). Default: none. */
  onError?: (error: unknown) => void;
}

export class LoopbackPoller {
  readonly #network: LoopbackNetwork;
  readonly #countPerChat: number;
  readonly #onError: ((error: unknown) => void) | null;
  readonly #subscribers = new Map<string, Set<PollSubscriber>>();
  #ticking = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(network: LoopbackNetwork, options: LoopbackPollerOptions = {}) {
    const countPerChat = options.countPerChat ?? 100;
    if (!Number.isSafeInteger(countPerChat) || countPerChat < 1) {
      throw new InvalidOptionError({ option: 'options.countPerChat', message: 'options.countPerChat must be a positive integer' });
    }
    this.#network = network;
    this.#countPerChat = countPerChat;
    this.#onError = options.onError ?? null;
  }

  /** Chats watched by at least one subscriber. */
  get chatCount(): number {
    return this.#subscribers.size;
  }

  add(chatId: string, subscriber: PollSubscriber): void {
    let set = this.#subscribers.get(chatId);
    if (set === undefined) this.#subscribers.set(chatId, (set = new Set()));
    set.add(subscriber);
  }

  remove(chatId: string, subscriber: PollSubscriber): void {
    const set = this.#subscribers.get(chatId);
    if (set === undefined) return;
    set.delete(subscriber);
    if (set.size === 0) this.#subscribers.delete(chatId);
  }

  /**
   * Reads every watched chat once (one XREAD) and hands each subscriber the
   * messages after its position. Returns the number of hand-overs; 0 without
   * a call when nothing is watched or a tick is still running.
   */
  async tick(): Promise<number> {
    if (this.#ticking || this.#subscribers.size === 0) return 0;
    this.#ticking = true;
    try {
      // Read each chat from its most-behind subscriber; the others skip what they saw.
      const positions = new Map<string, string>();
      for (const [chatId, set] of this.#subscribers) {
        let min: string | undefined;
        for (const s of set) {
          const p = s.positionOf(chatId);
          if (p !== undefined && (min === undefined || compareStreamIds(p, min) < 0)) min = p;
        }
        if (min !== undefined) positions.set(chatId, min);
      }
      const read = await this.#network.readMany(positions, this.#countPerChat);
      let handed = 0;
      for (const [chatId, messages] of read) {
        const set = this.#subscribers.get(chatId);
        if (set === undefined) continue;
        for (const message of messages) {
          for (const s of set) {
            const p = s.positionOf(chatId);
            if (p !== undefined && compareStreamIds(message.messageId, p) > 0) {
              s.receive(message);
              handed += 1;
            }
          }
        }
      }
      return handed;
    } finally {
      this.#ticking = false;
    }
  }

  /** Ticks every `intervalMs` on one timer until `stop`. */
  start(intervalMs: number): void {
    if (this.#timer !== null) return;
    const loop = (): void => {
      this.tick().catch((error: unknown) => this.#onError?.(error)).finally(() => {
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
