/**
 * The peers a client knows, in place of gramjs's entity cache (which keeps
 * every user and chat it ever sees; gramjs issue #816): the access hash a
 * request needs to name a user or channel, and the display name an inbound
 * message's author gets. Peers the client needs (its watched chats and the
 * destinations it was asked to send to) are kept as long as they are
 * needed; others (authors, mentioned users) only in a small most-recent-first
 * window. `min` users and channels carry an access hash that cannot be used
 * in requests; their names are kept, their hashes not.
 */
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { markedId, parseMarkedId } from './peer-ids.ts';
import type { PeerRef } from './peer-ids.ts';

export interface PeerEntry {
  ref: PeerRef;
  /** Decimal access hash; null for basic groups (they need none) and when only a `min` one was seen. */
  accessHash: string | null;
  name: string;
}

/** Rough heap of one entry (strings, object, map slot), for tracked bytes. */
export const PEER_ENTRY_BYTES = 240;

function userName(user: Api.User): string {
  const full = [user.firstName, user.lastName].filter((s) => typeof s === 'string' && s.length > 0).join(' ');
  return full || user.username || 'Deleted Account';
}

/** The entry for a TL user or chat; null for empty and forbidden ones that name nothing usable. */
export function entryOf(entity: Api.TypeUser | Api.TypeChat): PeerEntry | null {
  if (entity instanceof Api.User) {
    const hash = entity.min || entity.accessHash == null ? null : entity.accessHash.toString();
    return { ref: { kind: 'user', id: entity.id.toString() }, accessHash: hash, name: userName(entity) };
  }
  if (entity instanceof Api.Chat || entity instanceof Api.ChatForbidden) {
    return { ref: { kind: 'chat', id: entity.id.toString() }, accessHash: null, name: entity.title };
  }
  if (entity instanceof Api.Channel) {
    const hash = entity.min || entity.accessHash == null ? null : entity.accessHash.toString();
    return { ref: { kind: 'channel', id: entity.id.toString() }, accessHash: hash, name: entity.title };
  }
  if (entity instanceof Api.ChannelForbidden) {
    return { ref: { kind: 'channel', id: entity.id.toString() }, accessHash: entity.accessHash.toString(), name: entity.title };
  }
  return null;
}

export class PeerDirectory {
  readonly #capacity: number;
  /** Entries of needed peers, by marked id. */
  readonly #needed = new Map<string, PeerEntry | null>();
  /** Other entries, oldest first. */
  readonly #recent = new Map<string, PeerEntry>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Pins `chatIds` (marked) as needed, adding to what is pinned; entries already known move over. */
  need(chatIds: Iterable<string>): void {
    for (const chatId of chatIds) {
      if (this.#needed.has(chatId)) continue;
      const known = this.#recent.get(chatId) ?? null;
      this.#recent.delete(chatId);
      this.#needed.set(chatId, known);
    }
  }

  /** Unpins every needed peer not in `keep`; their entries join the recent window. */
  retain(keep: ReadonlySet<string>): void {
    for (const [chatId, entry] of this.#needed) {
      if (keep.has(chatId)) continue;
      this.#needed.delete(chatId);
      if (entry !== null) this.#remember(chatId, entry);
    }
  }

  /** Learns the users and chats an answer or update carried. */
  learn(users: readonly Api.TypeUser[], chats: readonly Api.TypeChat[]): void {
    for (const entity of [...users, ...chats]) {
      const entry = entryOf(entity);
      if (entry === null || (entity instanceof Api.User && entity.self)) continue;
      const chatId = markedId(entry.ref);
      const known = this.#needed.has(chatId) ? this.#needed.get(chatId) ?? null : this.#recent.get(chatId) ?? null;
      // A min entity never replaces a usable hash.
      if (entry.accessHash === null && known?.accessHash) entry.accessHash = known.accessHash;
      if (this.#needed.has(chatId)) this.#needed.set(chatId, entry);
      else this.#remember(chatId, entry);
    }
  }

  get(chatId: string): PeerEntry | undefined {
    return this.#needed.get(chatId) ?? this.#recent.get(chatId);
  }

  nameOf(chatId: string): string | undefined {
    return this.get(chatId)?.name;
  }

  /** Needed peers a request could not name yet (no entry, or a user or channel without access hash). */
  unresolved(): string[] {
    return [...this.#needed].filter(([, e]) => e === null || (e.ref.kind !== 'chat' && e.accessHash === null)).map(([id]) => id);
  }

  /** The InputPeer naming `chatId`, null when its access hash is unknown. A basic group needs none. */
  inputPeer(chatId: string): Api.TypeInputPeer | null {
    const ref = parseMarkedId(chatId);
    if (ref === null) return null;
    if (ref.kind === 'chat') return new Api.InputPeerChat({ chatId: bigInt(ref.id) });
    const hash = this.get(chatId)?.accessHash;
    if (hash === null || hash === undefined) return null;
    if (ref.kind === 'user') return new Api.InputPeerUser({ userId: bigInt(ref.id), accessHash: bigInt(hash) });
    return new Api.InputPeerChannel({ channelId: bigInt(ref.id), accessHash: bigInt(hash) });
  }

  /** The InputChannel of channel `channelId` (bare id), null when its access hash is unknown. */
  inputChannel(channelId: string): Api.InputChannel | null {
    const hash = this.get(`-100${channelId}`)?.accessHash;
    if (hash === null || hash === undefined) return null;
    return new Api.InputChannel({ channelId: bigInt(channelId), accessHash: bigInt(hash) });
  }

  /** The InputUser of user `userId`, for a mention; undefined when its access hash is unknown. */
  inputUser(userId: string): Api.InputUser | undefined {
    const hash = this.get(userId)?.accessHash;
    if (hash === null || hash === undefined) return undefined;
    return new Api.InputUser({ userId: bigInt(userId), accessHash: bigInt(hash) });
  }

  /** Forgets every peer that is not needed (the actor went idle). */
  dropRecent(): void {
    this.#recent.clear();
  }

  get size(): number {
    return this.#needed.size + this.#recent.size;
  }

  #remember(chatId: string, entry: PeerEntry): void {
    this.#recent.delete(chatId);
    this.#recent.set(chatId, entry);
    if (this.#recent.size > this.#capacity) {
      const oldest = this.#recent.keys().next();
      if (oldest.done !== true) this.#recent.delete(oldest.value);
    }
  }
}
