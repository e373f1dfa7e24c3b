/**
 * An intrusive doubly linked list used as a round-robin ring. Items carry
 * their own links and a pointer to the ring holding them, so removing an item
 * from the middle, or moving the one just served to the back, is O(1) and
 * allocates nothing: the scheduler does this on every take.
 */

/** Links an item needs to live in a {@link LinkedRing}; one ring at a time. */
export interface RingLinks<T extends RingLinks<T>> {
  ringPrev: T | null;
  ringNext: T | null;
  ring: LinkedRing<T> | null;
}

export class LinkedRing<T extends RingLinks<T>> {
  first: T | null = null;
  last: T | null = null;
  size = 0;

  /** Appends `item`, which must not be in any ring. */
  push(item: T): void {
    if (item.ring !== null) throw new Error('LinkedRing: item is already in a ring');
    item.ring = this;
    item.ringPrev = this.last;
    item.ringNext = null;
    if (this.last === null) this.first = item;
    else this.last.ringNext = item;
    this.last = item;
    this.size++;
  }

  /** Puts `item`, which must not be in any ring, in front of every other item. */
  unshift(item: T): void {
    if (item.ring !== null) throw new Error('LinkedRing: item is already in a ring');
    item.ring = this;
    item.ringPrev = null;
    item.ringNext = this.first;
    if (this.first === null) this.last = item;
    else this.first.ringPrev = item;
    this.first = item;
    this.size++;
  }

  /** Removes `item` if it is in this ring; returns whether it was. */
  remove(item: T): boolean {
    if (item.ring !== this) return false;
    const { ringPrev: prev, ringNext: next } = item;
    if (prev === null) this.first = next;
    else prev.ringNext = next;
    if (next === null) this.last = prev;
    else next.ringPrev = prev;
    item.ringPrev = null;
    item.ringNext = null;
    item.ring = null;
    this.size--;
    return true;
  }

  /** Moves `item` (in this ring) behind every other item: its turn is over. */
  moveToBack(item: T): void {
    if (item.ring !== this || this.last === item) return;
    this.remove(item);
    this.push(item);
  }

  /** Removes every item and returns them in ring order. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.first; item !== null; item = this.first) {
      this.remove(item);
      out.push(item);
    }
    return out;
  }
}
