/**
 * A binary min-heap of timed wake-ups ordered by `at`. Cancelling is lazy (the
 * entry is flagged and skipped when it reaches the top) so rescheduling never
 * searches the heap; once flagged entries outnumber live ones the heap is
 * rebuilt without them, keeping memory proportional to live timers.
 */

/** What the heap needs of an entry; callers extend it with their payload. */
export interface TimerEntry {
  /** Virtual time (ms) the entry fires at. */
  at: number;
  cancelled: boolean;
}

export class TimerHeap<E extends TimerEntry> {
  #heap: E[] = [];
  #cancelled = 0;

  /** Live (not cancelled) entries. */
  get size(): number {
    return this.#heap.length - this.#cancelled;
  }

  push(entry: E): E {
    const heap = this.#heap;
    heap.push(entry);
    this.#up(heap.length - 1);
    return entry;
  }

  cancel(entry: E): void {
    if (entry.cancelled) return;
    entry.cancelled = true;
    this.#cancelled++;
    if (this.#cancelled > 64 && this.#cancelled * 2 > this.#heap.length) this.#compact();
  }

  /** Earliest live entry, or undefined. */
  peek(): E | undefined {
    const heap = this.#heap;
    while (heap.length > 0 && heap[0]!.cancelled) {
      this.#popTop();
      this.#cancelled--;
    }
    return heap[0];
  }

  /** Removes and returns the earliest live entry if it fires at or before `now`. */
  popDue(now: number): E | undefined {
    const top = this.peek();
    if (top === undefined || top.at > now) return undefined;
    this.#popTop();
    return top;
  }

  #popTop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      this.#down(0);
    }
  }

  #compact(): void {
    this.#heap = this.#heap.filter((e) => !e.cancelled);
    this.#cancelled = 0;
    for (let i = (this.#heap.length >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  #up(i: number): void {
    const heap = this.#heap;
    const item = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p.at <= item.at) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = item;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && heap[right]!.at < heap[child]!.at) child = right;
      if (heap[child]!.at >= item.at) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = item;
  }
}
