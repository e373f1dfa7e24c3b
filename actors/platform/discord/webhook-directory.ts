/**
 * The channel webhooks copy mode posts through: one per channel, named by
 * the runtime (`Switchboard`), found among the channel's webhooks or created
 * once, then cached. A channel where the bot may not manage webhooks (403) is
 * remembered as such for a while, so copy mode falls back to bot messages
 * without a failed request per send. It also tells whether a webhook is one
 * this bot created, so the client can ignore what its own copies echo back.
 */
import { Routes } from 'discord.js';
import type { APIWebhook, REST } from 'discord.js';
import { restStatus } from './discord-rest.ts';

export interface ChannelWebhook {
  id: string;
  token: string;
}

/** How long a channel that refused webhooks is not asked again, ms. */
const FORBIDDEN_FOR_MS = 10 * 60_000;
/** Least time between two listings of one channel's webhooks to classify an unknown one, ms. */
const RELIST_AFTER_MS = 60_000;
/** Webhook ids remembered as someone else's before the set starts over. */
const MAX_FOREIGN = 4_096;

export class WebhookDirectory {
  readonly #rest: REST;
  readonly #botUserId: string;
  readonly #name: string;
  readonly #byChannel = new Map<string, ChannelWebhook | { forbiddenUntil: number }>();
  readonly #ours = new Set<string>();
  readonly #foreign = new Set<string>();
  readonly #listedAt = new Map<string, number>();

  constructor(rest: REST, botUserId: string, name: string) {
    this.#rest = rest;
    this.#botUserId = botUserId;
    this.#name = name;
  }

  /** The webhook of a (non-thread) channel; null when the bot may not use webhooks there. */
  async forChannel(channelId: string): Promise<ChannelWebhook | null> {
    const known = this.#byChannel.get(channelId);
    if (known !== undefined) {
      if ('id' in known) return known;
      if (known.forbiddenUntil > Date.now()) return null;
    }
    try {
      const mine = (await this.#list(channelId)).find((w) => w.name === this.#name && w.user?.id === this.#botUserId && w.token);
      const webhook = mine ?? await this.#rest.post(Routes.channelWebhooks(channelId), { body: { name: this.#name } }) as APIWebhook;
      const entry = { id: webhook.id, token: webhook.token! };
      this.#ours.add(entry.id);
      this.#byChannel.set(channelId, entry);
      return entry;
    } catch (error) {
      if (restStatus(error) !== 403) throw error;
      this.#byChannel.set(channelId, { forbiddenUntil: Date.now() + FORBIDDEN_FOR_MS });
      return null;
    }
  }

  /** The cached webhook of a channel, without asking Discord. */
  cached(channelId: string): ChannelWebhook | null {
    const known = this.#byChannel.get(channelId);
    return known !== undefined && 'id' in known ? known : null;
  }

  /** Forgets a channel's webhook (someone deleted it: Discord answered Unknown Webhook). */
  forget(channelId: string): void {
    const known = this.#byChannel.get(channelId);
    if (known !== undefined && 'id' in known) this.#ours.delete(known.id);
    this.#byChannel.delete(channelId);
  }

  /** Whether this bot created the webhook (of `channelId`, a non-thread channel). */
  async isOurs(webhookId: string, channelId: string): Promise<boolean> {
    if (this.#ours.has(webhookId)) return true;
    if (this.#foreign.has(webhookId)) return false;
    const listedAt = this.#listedAt.get(channelId) ?? 0;
    if (Date.now() - listedAt < RELIST_AFTER_MS) return false;
    try {
      await this.#list(channelId);
    } catch {
      // Unable to tell (no permission to list webhooks, or Discord unavailable): a webhook we
      // could not list is one we could not have created there either.
      this.#listedAt.set(channelId, Date.now());
    }
    return this.#ours.has(webhookId);
  }

  /** Entries held, for size estimates. */
  get size(): number {
    return this.#byChannel.size + this.#ours.size + this.#foreign.size;
  }

  async #list(channelId: string): Promise<APIWebhook[]> {
    const list = await this.#rest.get(Routes.channelWebhooks(channelId)) as APIWebhook[];
    this.#listedAt.set(channelId, Date.now());
    if (this.#foreign.size > MAX_FOREIGN) this.#foreign.clear();
    for (const w of list) {
      if (w.user?.id === this.#botUserId) this.#ours.add(w.id);
      else this.#foreign.add(w.id);
    }
    return list;
  }
}
