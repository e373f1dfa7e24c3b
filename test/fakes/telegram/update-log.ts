/**
 * One pts sequence (a user's common box, or a channel) and the updates that
 * moved it, so getDifference / getChannelDifference can replay what a client
 * missed. Entries point at the live message, so a replayed new message shows
 * its current text, as on Telegram. The oldest entries are dropped past a
 * cap; asking for pts older than what is kept answers "too long".
 */
import type { MessageRecord } from './model.ts';

export type LogEntry =
  | { readonly pts: number; readonly ptsCount: 1; readonly kind: 'new' | 'edit'; readonly message: MessageRecord }
  | { readonly pts: number; readonly ptsCount: number; readonly kind: 'delete'; readonly ids: readonly number[] };

export class UpdateLog {
  #pts: number;
  #entries: LogEntry[] = [];
  /** pts before the oldest kept entry: differences from before it are lost. */
  #floor: number;
  readonly #max: number;

  /** Sequences start at 1, as Telegram's do: pts 0 means "none" to clients. */
  constructor(max: number, start = 1) {
    this.#max = max;
    this.#pts = start;
    this.#floor = start;
  }

  get pts(): number {
    return this.#pts;
  }

  addMessage(kind: 'new' | 'edit', message: MessageRecord): LogEntry {
    this.#pts += 1;
    return this.#push({ pts: this.#pts, ptsCount: 1, kind, message });
  }

  addDelete(ids: readonly number[]): LogEntry {
    this.#pts += ids.length;
    return this.#push({ pts: this.#pts, ptsCount: ids.length, kind: 'delete', ids });
  }

  /** Entries after `pts`, oldest first; 'tooLong' when some of them are no longer kept. */
  since(pts: number): LogEntry[] | 'tooLong' {
    if (pts < this.#floor) return 'tooLong';
    let low = 0;
    let high = this.#entries.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.#entries[mid]!.pts <= pts) low = mid + 1;
      else high = mid;
    }
    return this.#entries.slice(low);
  }

  /** Drops every entry kept so far, as Telegram does with updates of a client away too long: differences from before now are too long. */
  forget(): void {
    this.#entries = [];
    this.#floor = this.#pts;
  }

  #push(entry: LogEntry): LogEntry {
    this.#entries.push(entry);
    if (this.#entries.length > this.#max) {
      // Drop in chunks so trimming stays amortised O(1) per update.
      const drop = Math.max(1, Math.floor(this.#max / 4));
      const last = this.#entries[drop - 1]!;
      this.#floor = last.pts;
      this.#entries = this.#entries.slice(drop);
    }
    return entry;
  }
}
