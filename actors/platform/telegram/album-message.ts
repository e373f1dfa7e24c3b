/**
 * An album's parts as one message of the neutral model, and the edits and
 * deletes of its parts as edits and deletes of that message.
 *
 * The album is its first part (lowest id): its id names the message, its
 * author and time are the album's; the files of every part follow in id
 * order; the text is the caption (Telegram puts it on one part, usually the
 * first: the first part with text gives it); `partIds` lists every part,
 * so the forwarding engine links each of them to the copy (a delete or an
 * edit of any part finds it) and a native forward takes them all. The
 * source cursor moves to the last part.
 *
 * Albums sent lately are remembered (a bounded number): an edit of one of
 * their parts (a caption changed) becomes an edit of the whole album, its
 * other parts kept, and the deletes of several of its parts at once (the
 * album deleted) become one delete. The feed reads an album no longer
 * remembered (a restart) again before its edit (inbound-feed.ts); its
 * deletes are carried by the links of its parts, each on its own.
 */
import type { InboundMessage } from '../../../src/runtime-contracts/inbound-message.ts';
import type { NeutralMessage } from '../../../src/forwarding/message/neutral-message.ts';

const byId = (a: InboundMessage, b: InboundMessage) => Number(a.messageId) - Number(b.messageId);

/** One message of an album's parts (several parts of one chat, one album); a lone part stays as it is. */
export function combineAlbum(parts: readonly InboundMessage[]): InboundMessage {
  if (parts.length <= 1) return parts[0]!;
  const sorted = [...parts].sort(byId);
  const first = sorted[0]!;
  const payloads = sorted.map((p) => p.payload as NeutralMessage);
  const captioned = payloads.find((p) => p.text.text !== '') ?? payloads[0]!;
  const payload: NeutralMessage = {
    ...payloads[0]!,
    text: captioned.text,
    attachments: payloads.flatMap((p) => p.attachments),
    partIds: sorted.map((p) => p.messageId),
  };
  const replyTo = payloads.find((p) => p.replyToMessageId !== undefined)?.replyToMessageId;
  if (replyTo !== undefined) payload.replyToMessageId = replyTo;
  const edited = Math.max(0, ...payloads.map((p) => p.editedAt ?? 0));
  if (edited > 0) payload.editedAt = edited;
  return { ...first, payload, lastMessageId: sorted.at(-1)!.messageId };
}

export class RecentAlbums {
  readonly #capacity: number;
  /** `chatId\npartId` → the album's parts (sorted), shared by its parts' keys. */
  readonly #parts = new Map<string, InboundMessage[]>();

  /** `capacity`: parts remembered at most, the oldest forgotten first. */
  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#parts.size;
  }

  /** Remembers an album just sent (a lone part is not remembered). */
  remember(parts: readonly InboundMessage[]): void {
    if (parts.length <= 1) return;
    const sorted = [...parts].sort(byId);
    for (const p of sorted) this.#parts.set(`${p.chatId}\n${p.messageId}`, sorted);
    while (this.#parts.size > this.#capacity) this.#parts.delete(this.#parts.keys().next().value!);
  }

  /** Whether the album of `message`'s part is remembered. */
  knows(message: InboundMessage): boolean {
    return this.#parts.has(`${message.chatId}\n${message.messageId}`);
  }

  /** An edit of a part of a remembered album: the album edited; else the edit as it is. */
  edit(edit: InboundMessage): InboundMessage {
    const parts = this.#parts.get(`${edit.chatId}\n${edit.messageId}`);
    if (parts === undefined) return edit;
    const next = parts.map((p) => (p.messageId === edit.messageId ? { ...p, payload: edit.payload } : p));
    for (const p of next) this.#parts.set(`${p.chatId}\n${p.messageId}`, next);
    const album = combineAlbum(next);
    return { ...album, kind: 'edit', at: edit.at };
  }

  /**
   * Deletes of a batch, with those of a remembered album's parts made one
   * delete of the album (its first part's id), then forgotten.
   */
  deletes(deletes: readonly InboundMessage[]): InboundMessage[] {
    const out: InboundMessage[] = [];
    const seen = new Set<string>();
    for (const d of deletes) {
      const parts = this.#parts.get(`${d.chatId}\n${d.messageId}`);
      if (parts === undefined) {
        out.push(d);
        continue;
      }
      const first = parts[0]!.messageId;
      const key = `${d.chatId}\n${first}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...d, messageId: first, payload: { ...(d.payload as NeutralMessage), messageId: first } });
    }
    for (const key of seen) for (const p of this.#parts.get(key) ?? []) this.#parts.delete(`${p.chatId}\n${p.messageId}`);
    return out;
  }
}
