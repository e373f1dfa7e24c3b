/**
 * Paging a channel's history as Discord does, over its ascending id list
 * (binary search, no scan), and the nonce memory behind `enforce_nonce`:
 * a nonce is remembered per author for a time window, forgotten in order.
 */
import { compareSnowflakes } from './snowflake.ts';

/** First index whose id is >= `id` (`strict`: > `id`). */
export function bound(ids: readonly string[], id: string, strict: boolean): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = compareSnowflakes(ids[mid]!, id);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Up to `limit` live messages, newest first: the oldest ones after `after`,
 * else the newest before `before`, else the newest of all. `live` returns
 * undefined for deleted ids, which are skipped.
 */
export function page<M>(ids: readonly string[], live: (id: string) => M | undefined, query: { after?: string; before?: string; limit: number }): M[] {
  const out: M[] = [];
  if (query.after !== undefined) {
    for (let i = bound(ids, query.after, true); i < ids.length && out.length < query.limit; i += 1) {
      const m = live(ids[i]!);
      if (m !== undefined) out.push(m);
    }
    return out.reverse();
  }
  const end = query.before === undefined ? ids.length : bound(ids, query.before, false);
  for (let i = end - 1; i >= 0 && out.length < query.limit; i -= 1) {
    const m = live(ids[i]!);
    if (m !== undefined) out.push(m);
  }
  return out;
}

export class NonceIndex {
  readonly #windowMs: number;
  readonly #byKey = new Map<string, { messageId: string; at: number }>();
  readonly #order: Array<{ key: string; at: number }> = [];
  #head = 0;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  remember(authorId: string, nonce: string, messageId: string): void {
    const key = `${authorId}:${nonce}`;
    const at = Date.now();
    this.#byKey.set(key, { messageId, at });
    this.#order.push({ key, at });
    this.#sweep();
  }

  /** The message `authorId` made with `nonce` within the window. */
  find(authorId: string, nonce: string): string | undefined {
    this.#sweep();
    return this.#byKey.get(`${authorId}:${nonce}`)?.messageId;
  }

  #sweep(): void {
    const horizon = Date.now() - this.#windowMs;
    while (this.#head < this.#order.length && this.#order[this.#head]!.at < horizon) {
      const { key, at } = this.#order[this.#head]!;
      if (this.#byKey.get(key)?.at === at) this.#byKey.delete(key);
      this.#head += 1;
    }
    // Compact once the consumed prefix dominates, so the queue stays proportional to the window.
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
