/**
 * Gathers the parts of a Telegram album. Telegram delivers an album as
 * several messages sharing a `grouped_id`, each its own update (or, in a
 * catch-up, one after another in a page); forwarded one by one they would
 * arrive as unrelated messages. The parts of an album are held per chat
 * until no new part came for a quiet window, the first part has waited the
 * longest allowed, the album is full (Telegram's 10), or the chat moves on
 * (another message, another album, an edit or a delete in it, which must
 * not overtake the album). Whatever is held then goes, as it is: a window
 * that closed early sends the parts it has, and a part arriving after goes
 * on its own. Nothing is ever dropped. Pure: the clock and the timer are
 * given.
 */

/** Starts a one-shot timer; the function returned cancels it. */
export type StartTimer = (ms: number, fire: () => void) => () => void;

export interface AlbumCollectorOptions<T> {
  /** Quiet time after an album's latest part before it goes. Default 600 ms. */
  quietMs?: number;
  /** Longest the first part of an album is held. Default 2 000 ms. */
  maxWaitMs?: number;
  /** Parts an album holds at most: a full album goes at once. Default 10 (Telegram's album limit). */
  maxParts?: number;
  now(): number;
  startTimer: StartTimer;
  /** The parts of one album in arrival order, or a lone message as one part. */
  emit(parts: T[]): void;
}

interface OpenAlbum<T> {
  groupId: string;
  parts: T[];
  firstAt: number;
  cancel: () => void;
}

export class AlbumCollector<T> {
  readonly #quietMs: number;
  readonly #maxWaitMs: number;
  readonly #maxParts: number;
  readonly #o: AlbumCollectorOptions<T>;
  /** One open album per chat: parts of one album come one after another in their chat. */
  readonly #open = new Map<string, OpenAlbum<T>>();
  #held = 0;

  constructor(o: AlbumCollectorOptions<T>) {
    this.#o = o;
    this.#quietMs = o.quietMs ?? 600;
    this.#maxWaitMs = o.maxWaitMs ?? 2_000;
    this.#maxParts = o.maxParts ?? 10;
  }

  /** Parts held now. */
  get held(): number {
    return this.#held;
  }

  /** A new message of `chatId`: held when it is an album's part (`groupId`), else sent after what the chat holds. */
  add(chatId: string, groupId: string | undefined, item: T): void {
    const open = this.#open.get(chatId);
    if (open !== undefined && open.groupId !== groupId) this.flush(chatId);
    if (groupId === undefined) {
      this.#o.emit([item]);
      return;
    }
    const now = this.#o.now();
    const album = this.#open.get(chatId) ?? { groupId, parts: [], firstAt: now, cancel: () => {} };
    this.#open.set(chatId, album);
    album.parts.push(item);
    this.#held += 1;
    album.cancel();
    if (album.parts.length >= this.#maxParts) {
      this.flush(chatId);
      return;
    }
    const wait = Math.max(0, Math.min(this.#quietMs, album.firstAt + this.#maxWaitMs - now));
    album.cancel = this.#o.startTimer(wait, () => this.flush(chatId));
  }

  /** Anything else about `chatId` (an edit, a delete): what the chat holds goes first. */
  before(chatId: string, item: T): void {
    this.flush(chatId);
    this.#o.emit([item]);
  }

  /** Sends what `chatId` holds now. */
  flush(chatId: string): void {
    const album = this.#open.get(chatId);
    if (album === undefined) return;
    album.cancel();
    this.#open.delete(chatId);
    this.#held -= album.parts.length;
    this.#o.emit(album.parts);
  }

  /** Sends everything held (a disconnect, a stop). */
  flushAll(): void {
    for (const chatId of [...this.#open.keys()]) this.flush(chatId);
  }
}
