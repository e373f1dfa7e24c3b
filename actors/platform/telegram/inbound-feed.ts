/**
 * The reporting side of a Telegram client: which chats it watches, the last
 * message id seen in each (its cursor), and turning the changes the update
 * pump lets through into InboundMessages. A `new` at or before a chat's
 * position was reported already (a catch-up page and a live update, a
 * difference after a reconnect) and is dropped; messages the account posted
 * itself (`out`) and service messages move the position but are not
 * reported. Deletes in private chats and basic groups name no chat: the
 * index of recently seen ids places them (see message-chat-index.ts).
 * The parts of an album are gathered into one message before they are
 * reported (album-collector.ts, album-message.ts). An edit of a part of an
 * album no longer remembered (a restart, or many albums since) waits while
 * the album's other parts are read again (`readAround`), so it becomes an
 * edit of the whole album as before; the edits of its chat queue behind it,
 * in order, and the update state's checkpoint waits for them too (`held`).
 */
import { Api } from 'telegram';
import type { ResumeCursor } from '../../../src/runtime-contracts/actor-contract.ts';
import type { InboundMessage } from '../../../src/runtime-contracts/inbound-message.ts';
import type { NeutralMessage } from '../../../src/forwarding/message/neutral-message.ts';
import { AlbumCollector } from './album-collector.ts';
import type { AlbumCollectorOptions } from './album-collector.ts';
import { combineAlbum, RecentAlbums } from './album-message.ts';
import { chatIdOf, deletedMessage, toNeutralMessage } from './inbound-message.ts';
import { MessageChatIndex } from './message-chat-index.ts';
import { markedId, parseMarkedId } from './peer-ids.ts';

/** Ids of the common box remembered to place deletes. */
const DELETE_INDEX_SIZE = 512;
/** Album parts remembered to carry their edits and deletes as the album's. */
const RECENT_ALBUM_PARTS = 256;

/** How album parts are gathered; the clock and timer default to the real ones. */
export type AlbumWindow = Partial<Omit<AlbumCollectorOptions<InboundMessage>, 'emit'>>;

/** Reads the messages of a chat within `span` ids of one (pump-io.ts messagesAround); none when it cannot. */
export type ReadAround = (chatId: string, messageId: number, span: number) => Promise<Api.TypeMessage[]>;

/** Ids either side of an edited part searched for the rest of its album: an album has at most 10 parts, in a row. */
const ALBUM_SPAN = 9;

const realTimer = (ms: number, fire: () => void) => {
  const t = setTimeout(fire, ms);
  return () => clearTimeout(t);
};

export class InboundFeed {
  readonly #emit: (message: InboundMessage) => void;
  #watched = new Set<string>();
  readonly #positions = new Map<string, number>();
  readonly #index = new MessageChatIndex(DELETE_INDEX_SIZE);
  readonly #albums: AlbumCollector<InboundMessage>;
  readonly #recent = new RecentAlbums(RECENT_ALBUM_PARTS);
  readonly #readAround: ReadAround | null;
  /** Per chat, the edits waiting behind an album read again. */
  readonly #editQueues = new Map<string, Promise<void>>();
  #editsWaiting = 0;
  #nameOf: (chatId: string) => string | undefined = () => undefined;

  constructor(emit: (message: InboundMessage) => void, albums: AlbumWindow = {}, readAround: ReadAround | null = null) {
    this.#emit = emit;
    this.#readAround = readAround;
    this.#albums = new AlbumCollector<InboundMessage>({
      now: Date.now, startTimer: realTimer, ...albums,
      emit: (parts) => this.#report(parts),
    });
  }

  /** Album parts held and edits waiting, not yet reported. */
  get held(): number {
    return this.#albums.held + this.#editsWaiting;
  }

  /** Reports every album part held now. */
  flushAlbums(): void {
    this.#albums.flushAll();
  }

  #report(parts: InboundMessage[]): void {
    const first = parts[0]!;
    if (first.kind === 'new') {
      this.#recent.remember(parts);
      this.#emit(combineAlbum(parts));
    } else if (first.kind === 'edit') {
      this.#reportEdit(first);
    } else {
      for (const d of this.#recent.deletes(parts)) this.#emit(d);
    }
  }

  #reportEdit(edit: InboundMessage): void {
    const forgotten = this.#readAround !== null && (edit.payload as NeutralMessage).groupId !== undefined && !this.#recent.knows(edit);
    const queue = this.#editQueues.get(edit.chatId);
    if (!forgotten && queue === undefined) {
      this.#emit(this.#recent.edit(edit));
      return;
    }
    this.#editsWaiting += 1;
    const next = (queue ?? Promise.resolve()).then(async () => {
      if (forgotten) await this.#recall(edit);
      this.#editsWaiting -= 1;
      this.#emit(this.#recent.edit(edit));
    });
    this.#editQueues.set(edit.chatId, next);
    void next.finally(() => {
      if (this.#editQueues.get(edit.chatId) === next) this.#editQueues.delete(edit.chatId);
    });
  }

  /** Reads an album's parts again and remembers them; on failure the edit goes as the part alone, as before. */
  async #recall(edit: InboundMessage): Promise<void> {
    const groupId = (edit.payload as NeutralMessage).groupId;
    let messages: Api.TypeMessage[];
    try {
      messages = await this.#readAround!(edit.chatId, Number(edit.messageId), ALBUM_SPAN);
    } catch {
      return;
    }
    const parts = messages.filter((m): m is Api.Message => m instanceof Api.Message && m.groupedId?.toString() === groupId)
      .map((m): InboundMessage => {
        const payload = toNeutralMessage(m, this.#nameOf);
        return { chatId: edit.chatId, messageId: String(m.id), kind: 'new', payload, at: payload.at };
      });
    if (parts.some((p) => p.messageId === edit.messageId)) this.#recent.remember(parts);
  }

  /** Adds a cursor's chats and positions (a connect from a cursor). */
  resumeFrom(cursor: ResumeCursor): void {
    for (const [chatId, id] of Object.entries(cursor)) {
      const n = Number(id);
      if (!Number.isSafeInteger(n) || n < 0) continue;
      this.#positions.set(chatId, n);
      this.#watched.add(chatId);
    }
  }

  /** Replaces the watched chats; returns the newly added ones (they need a starting position). */
  watch(chatIds: readonly string[]): string[] {
    const next = new Set(chatIds);
    for (const chatId of this.#watched) if (!next.has(chatId)) this.#positions.delete(chatId);
    const added = [...next].filter((c) => !this.#watched.has(c));
    this.#watched = next;
    this.#index.retain(next);
    return added;
  }

  watched(): string[] {
    return [...this.#watched];
  }

  isWatched(chatId: string): boolean {
    return this.#watched.has(chatId);
  }

  position(chatId: string): number | undefined {
    return this.#positions.get(chatId);
  }

  /** Sets where a chat starts unless a message of it was already seen. */
  startAt(chatId: string, messageId: number): void {
    if (!this.#positions.has(chatId) && this.#watched.has(chatId)) this.#positions.set(chatId, messageId);
  }

  cursor(): ResumeCursor {
    const out: Record<string, string> = {};
    for (const chatId of this.#watched) {
      const id = this.#positions.get(chatId);
      if (id !== undefined) out[chatId] = String(id);
    }
    return out;
  }

  /** Positions plus remembered ids, for tracked bytes. */
  get size(): number {
    return this.#positions.size + this.#index.size + this.#recent.size + this.#albums.held;
  }

  /** Reports a new or edited message of a watched chat, unless the account wrote it, it is a duplicate, or it is no message. */
  message(kind: 'new' | 'edit', message: Api.TypeMessage, nameOf: (chatId: string) => string | undefined): void {
    if (message instanceof Api.MessageEmpty) return;
    const chatId = chatIdOf(message);
    if (chatId === null || !this.#watched.has(chatId)) return;
    const position = this.#positions.get(chatId);
    if (kind === 'new') {
      if (position !== undefined && message.id <= position) return;
      this.#positions.set(chatId, message.id);
    }
    if (!(message.peerId instanceof Api.PeerChannel)) this.#index.remember(message.id, chatId);
    if (!(message instanceof Api.Message) || message.out) return;
    this.#nameOf = nameOf;
    // An edit Telegram made itself (a link preview loading) carries no edit date.
    if (kind === 'edit' && !(typeof message.editDate === 'number' && message.editDate > 0)) return;
    const payload = toNeutralMessage(message, nameOf);
    const at = kind === 'edit' ? payload.editedAt ?? Date.now() : payload.at;
    const inbound: InboundMessage = { chatId, messageId: String(message.id), kind, payload, at };
    if (kind === 'new') this.#albums.add(chatId, payload.groupId, inbound);
    else this.#albums.before(chatId, inbound);
  }

  /**
   * Reports deletes: of channel `channelId` (bare), or, with null, of the
   * common box wherever they can be placed. With `byPosition` (a catch-up:
   * the index is empty after a fresh start), a common-box id the index does
   * not know goes to every watched private chat and basic group already
   * past it; ids are unique across the box, so only the chat that had it
   * holds a copy of it, and the others find nothing to delete.
   */
  deleted(ids: readonly number[], channelId: string | null, byPosition = false): void {
    const at = Date.now();
    const out: InboundMessage[] = [];
    for (const id of ids) {
      const known = channelId === null ? this.#index.chatOf(id) : markedId({ kind: 'channel', id: channelId });
      const chatIds = known !== undefined ? [known] : byPosition ? this.#commonChatsPast(id) : [];
      for (const chatId of chatIds) {
        if (!this.#watched.has(chatId)) continue;
        out.push({ chatId, messageId: String(id), kind: 'delete', payload: deletedMessage(chatId, String(id), at), at });
      }
    }
    // An album still held goes before its deletes; the deletes of one album's parts go as one.
    for (const chatId of new Set(out.map((d) => d.chatId))) this.#albums.flush(chatId);
    if (out.length > 0) this.#report(out);
  }

  #commonChatsPast(messageId: number): string[] {
    return [...this.#watched].filter((chatId) => parseMarkedId(chatId)?.kind !== 'channel' && (this.#positions.get(chatId) ?? -1) >= messageId);
  }
}
