/**
 * What the adapter needs to know of a destination or watched channel: its
 * guild (for jump links), whether it is a thread and of which channel
 * (webhooks belong to the parent), and its newest message id (where watching
 * starts). discord.js's channel cache answers from GUILD_CREATE; REST
 * answers the rest.
 */
import { Routes } from 'discord.js';
import type { APIChannel, Client } from 'discord.js';

export interface ChannelInfo {
  guildId: string | null;
  /** The text channel a thread belongs to; null when this is not a thread. */
  parentId: string | null;
  lastMessageId: string | null;
}

/** Thread channel types: announcement, public and private threads. */
const THREAD_TYPES = new Set([10, 11, 12]);
/** Entries kept from REST before the map starts over. */
const MAX_FETCHED = 1_000;

export class ChannelDirectory {
  readonly #client: Client;
  readonly #fetched = new Map<string, ChannelInfo>();

  constructor(client: Client) {
    this.#client = client;
  }

  /**
   * The channel's info. `fresh` asks Discord rather than the caches (for the
   * newest message id, which the cache learns only as dispatches arrive),
   * falling back to discord.js's cache when Discord does not answer.
   */
  async info(channelId: string, fresh = false): Promise<ChannelInfo> {
    const cached = this.#fromCache(channelId);
    if (!fresh) {
      const known = cached ?? this.#fetched.get(channelId);
      if (known !== undefined) return known;
    }
    try {
      const raw = await this.#client.rest.get(Routes.channel(channelId)) as APIChannel & { guild_id?: string; parent_id?: string | null; last_message_id?: string | null };
      const info: ChannelInfo = {
        guildId: raw.guild_id ?? null,
        parentId: THREAD_TYPES.has(raw.type) ? raw.parent_id ?? null : null,
        lastMessageId: raw.last_message_id ?? null,
      };
      if (this.#fetched.size >= MAX_FETCHED) this.#fetched.clear();
      this.#fetched.set(channelId, info);
      return info;
    } catch (error) {
      if (cached === undefined) throw error;
      return cached;
    }
  }

  #fromCache(channelId: string): ChannelInfo | undefined {
    const cached = this.#client.channels.cache.get(channelId);
    if (cached === undefined) return undefined;
    return {
      guildId: 'guildId' in cached ? (cached.guildId as string | null) : null,
      parentId: cached.isThread() ? cached.parentId : null,
      lastMessageId: 'lastMessageId' in cached ? (cached.lastMessageId as string | null) : null,
    };
  }

  /** Forgets what REST said (the actor went idle). */
  clear(): void {
    this.#fetched.clear();
  }

  get size(): number {
    return this.#fetched.size;
  }
}
