/**
 * What the adapter needs to know of a destination or watched channel: its
 * guild (for jump links), whether it is a thread and of which channel
 * (webhooks belong to the parent), its kind (a forum or media channel takes
 * posts only, and may require a tag on them), and its newest message id
 * (where watching starts). discord.js's channel cache answers from
 * GUILD_CREATE; REST answers the rest.
 */
import { Routes } from 'discord.js';
import type { APIChannel, Client } from 'discord.js';

export interface ChannelInfo {
  guildId: string | null;
  /** The channel a thread belongs to; null when this is not a thread. */
  parentId: string | null;
  lastMessageId: string | null;
  /** Discord's channel type (0 text, 5 announcement, 11 public thread, 15 forum, 16 media...). */
  type: number;
  /** A tag a post here must carry (the first the forum offers, when it has the REQUIRE_TAG flag); null when none is needed. */
  requiredTagId: string | null;
}

/** Thread channel types: announcement, public and private threads. */
const THREAD_TYPES = new Set([10, 11, 12]);
/** ChannelFlags.RequireTag: a forum or media channel whose posts must carry a tag. */
const REQUIRE_TAG = 1 << 4;

/** The tag a post must carry in a forum with these flags and tags; null when none is needed (or none can be given). */
function requiredTag(flags: number | undefined, tags: ReadonlyArray<{ id: string; moderated?: boolean }> | undefined): string | null {
  if (((flags ?? 0) & REQUIRE_TAG) === 0) return null;
  return (tags ?? []).find((t) => t.moderated !== true)?.id ?? null;
}
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
      const raw = await this.#client.rest.get(Routes.channel(channelId)) as APIChannel & {
        guild_id?: string; parent_id?: string | null; last_message_id?: string | null; available_tags?: Array<{ id: string; moderated?: boolean }>;
      };
      const info: ChannelInfo = {
        guildId: raw.guild_id ?? null,
        parentId: THREAD_TYPES.has(raw.type) ? raw.parent_id ?? null : null,
        lastMessageId: raw.last_message_id ?? null,
        type: raw.type,
        requiredTagId: requiredTag(raw.flags, raw.available_tags),
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
      type: cached.type,
      requiredTagId: cached.isThreadOnly() ? requiredTag(cached.flags.bitfield, cached.availableTags) : null,
    };
  }

  /** The forum or media channel a thread belongs to, from discord.js's cache only (inbound messages must not wait on REST); null otherwise. */
  postParentOf(channelId: string): string | null {
    const cached = this.#client.channels.cache.get(channelId);
    if (cached === undefined || !cached.isThread() || cached.parentId === null) return null;
    const parent = this.#client.channels.cache.get(cached.parentId);
    return parent !== undefined && parent.isThreadOnly() ? parent.id : null;
  }

  /** The channel's name as Discord answers it; null for a channel without one (a DM) or one the bot cannot see. */
  async name(channelId: string): Promise<string | null> {
    try {
      const raw = await this.#client.rest.get(Routes.channel(channelId)) as { name?: string | null };
      return raw.name ?? null;
    } catch {
      return null;
    }
  }

  /** Forgets what REST said (the actor went idle). */
  clear(): void {
    this.#fetched.clear();
  }

  get size(): number {
    return this.#fetched.size;
  }
}
