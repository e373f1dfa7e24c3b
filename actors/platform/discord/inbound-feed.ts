/**
 * The inbound side of a Discord client: which chats it watches, the last
 * message id seen in each (its cursor), and one promise chain through which
 * every raw MESSAGE_* dispatch and catch-up page passes, so the actor gets
 * them in gateway order (a MESSAGE_DELETE_BULK as one delete per message).
 * `hold` keeps live dispatches waiting while the catch-up runs; a `new` at
 * or before a chat's position is a duplicate and is dropped. Each dispatch
 * carries the generation of the connection it came from: anything from a
 * connection since closed is ignored, and its chat's position stays where it
 * was, for the next catch-up to read again. A watched forum or media
 * channel holds posts (threads), not messages: the messages of its posts
 * are reported as the forum's, found by the post's parent in discord.js's
 * cache (filled by GUILD_CREATE and THREAD_CREATE, which come before any
 * message of a post).
 */
import type { APIMessage, GatewayDispatchPayload } from 'discord.js';
import type { ResumeCursor } from '../../../src/runtime-contracts/actor-contract.ts';
import { compareMessageIds } from '../../../src/forwarding/routing/message-id-order.ts';
import type { InboundMessage } from '../../../src/runtime-contracts/inbound-message.ts';
import type { ChannelDirectory } from './channel-directory.ts';
import { deletedMessage, toNeutralMessage } from './inbound-message.ts';
import type { WebhookDirectory } from './webhook-directory.ts';

/** Message types forwarded: plain messages and replies (not joins, pins, boosts...). */
const FORWARDED_TYPES = new Set([0, 19]);

/** What the feed needs of the connection a message came through. */
export interface FeedSource {
  generation: number;
  botUserId: string;
  channels: ChannelDirectory;
  webhooks: WebhookDirectory;
}

export class InboundFeed {
  readonly #emit: (message: InboundMessage) => void;
  readonly #isCurrent: (generation: number) => boolean;
  #watched = new Set<string>();
  readonly #positions = new Map<string, string>();
  #chain: Promise<void> = Promise.resolve();

  constructor(emit: (message: InboundMessage) => void, isCurrent: (generation: number) => boolean) {
    this.#emit = emit;
    this.#isCurrent = isCurrent;
  }

  /** Adds a cursor's chats and positions (a connect from a cursor). */
  resumeFrom(cursor: ResumeCursor): void {
    for (const [chatId, id] of Object.entries(cursor)) {
      this.#positions.set(chatId, id);
      this.#watched.add(chatId);
    }
  }

  /** Replaces the watched chats; returns the newly added ones (they need a starting position). */
  watch(chatIds: readonly string[]): string[] {
    const next = new Set(chatIds);
    for (const chatId of this.#watched) if (!next.has(chatId)) this.#positions.delete(chatId);
    const added = [...next].filter((c) => !this.#watched.has(c));
    this.#watched = next;
    return added;
  }

  watched(): string[] {
    return [...this.#watched];
  }

  position(chatId: string): string | undefined {
    return this.#positions.get(chatId);
  }

  /** Sets where a chat starts unless a message of it was already seen; true if it did. */
  startAt(chatId: string, messageId: string): boolean {
    if (this.#positions.has(chatId) || !this.#watched.has(chatId)) return false;
    this.#positions.set(chatId, messageId);
    return true;
  }

  cursor(): ResumeCursor {
    const out: Record<string, string> = {};
    for (const chatId of this.#watched) {
      const id = this.#positions.get(chatId);
      if (id !== undefined) out[chatId] = id;
    }
    return out;
  }

  get size(): number {
    return this.#positions.size;
  }

  /** Makes live dispatches wait until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.#chain = new Promise((resolve) => { release = resolve; });
    return release;
  }

  /** Queues a raw dispatch; anything but a MESSAGE_* (bulk deletes included) of a watched chat is ignored at once. */
  push(packet: GatewayDispatchPayload, source: FeedSource): void {
    if (packet.t === 'MESSAGE_DELETE_BULK') {
      // A purge: one delete per message, oldest first, exactly as if each had been deleted alone.
      const { ids } = packet.d;
      const chatId = this.#watchedChat(packet.d.channel_id, source);
      if (chatId === null) return;
      const sorted = [...ids].sort(compareMessageIds);
      this.#chain = this.#chain.then(() => {
        for (const id of sorted) this.#deleted(chatId, id, source.generation);
      }).catch(() => {});
      return;
    }
    if (packet.t !== 'MESSAGE_CREATE' && packet.t !== 'MESSAGE_UPDATE' && packet.t !== 'MESSAGE_DELETE') return;
    const chatId = this.#watchedChat(packet.d.channel_id, source);
    if (chatId === null) return;
    const { t, d } = packet;
    this.#chain = this.#chain.then(async () => {
      if (t === 'MESSAGE_DELETE') this.#deleted(chatId, d.id, source.generation);
      else await this.message(t === 'MESSAGE_CREATE' ? 'new' : 'edit', d as APIMessage, source, chatId);
    }).catch(() => {
      // One message that cannot be read must not stop the ones after it.
    });
  }

  /** The watched chat a message of `channelId` belongs to: the channel itself, or the forum of a post; null when neither is watched. */
  #watchedChat(channelId: string, source: FeedSource): string | null {
    if (this.#watched.has(channelId)) return channelId;
    const forum = source.channels.postParentOf(channelId);
    return forum !== null && this.#watched.has(forum) ? forum : null;
  }

  /**
   * Reports a created or edited message of `chatId` (its channel, or the
   * forum of its post) unless it is the bot's own, a duplicate, a system
   * message, or an edit Discord made (link previews).
   */
  async message(kind: 'new' | 'edit', raw: APIMessage, source: FeedSource, chatId = raw.channel_id): Promise<void> {
    const position = this.#positions.get(chatId);
    if (kind === 'new' && position !== undefined && compareMessageIds(raw.id, position) <= 0) return;
    let skip = !FORWARDED_TYPES.has(raw.type) || raw.author?.id === source.botUserId
      || (kind === 'edit' && (!raw.edited_timestamp || typeof raw.content !== 'string'));
    if (!skip && raw.webhook_id !== undefined) {
      const { parentId } = await source.channels.info(raw.channel_id);
      skip = await source.webhooks.isOurs(raw.webhook_id, parentId ?? raw.channel_id);
    }
    if (!this.#isCurrent(source.generation) || !this.#watched.has(chatId)) return;
    if (kind === 'new') this.#positions.set(chatId, raw.id);
    if (skip) return;
    const payload = { ...toNeutralMessage(raw), chatId };
    const at = kind === 'edit' ? payload.editedAt ?? Date.now() : payload.at;
    this.#emit({ chatId, messageId: raw.id, kind, payload, at });
  }

  #deleted(chatId: string, messageId: string, generation: number): void {
    if (!this.#isCurrent(generation) || !this.#watched.has(chatId)) return;
    const at = Date.now();
    this.#emit({ chatId, messageId, kind: 'delete', payload: deletedMessage(chatId, messageId, at), at });
  }
}
