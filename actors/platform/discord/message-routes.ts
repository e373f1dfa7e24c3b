/**
 * The two routes a forwarded Discord message takes: as the bot (a channel
 * message, carrying a nonce) or, in copy mode, through the channel's
 * webhook under the author's name (no nonce). Posts, edits and deletes one
 * message; an edit or delete of a message the other route made (copy mode
 * fell back, or a webhook was made again) is tried there too.
 */
import { Routes } from 'discord.js';
import type { APIMessage, RawFile, REST } from 'discord.js';
import type { OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';
import type { ChannelDirectory } from './channel-directory.ts';
import { restCode, restStatus } from './discord-rest.ts';
import { partNonce, webhookUsername } from './outgoing-text.ts';
import type { ChannelWebhook, WebhookDirectory } from './webhook-directory.ts';

/** MessageFlags.SuppressNotifications: delivered without a push or sound. */
const SUPPRESS_NOTIFICATIONS = 1 << 12;
const UNKNOWN_WEBHOOK = 10015;
/** Forwarded text never pings: @everyone, roles and users in a copy stay plain text. */
const NO_MENTIONS = { parse: [], replied_user: false };

/** Where and how one message is posted: the route, the chat, and the webhook and thread the route needs. */
export interface Delivery {
  as: 'bot' | 'webhook';
  chatId: string;
  guildId: string | null;
  webhook: ChannelWebhook | null;
  /** The non-thread channel owning the webhook. */
  parentId: string;
  threadId: string | null;
}

/** One part of a message: its text, its files, and for the first part the message it replies to. */
export interface Post {
  content: string;
  files: RawFile[];
  replyTo?: string;
}

export interface MessageRoutesDeps {
  rest: REST;
  channels: ChannelDirectory;
  webhooks: WebhookDirectory;
}

export class MessageRoutes {
  readonly #d: MessageRoutesDeps;

  constructor(deps: MessageRoutesDeps) {
    this.#d = deps;
  }

  /** How a message goes into `chatId`: through the channel webhook in copy mode (when one can be had), else as the bot. */
  async delivery(chatId: string, copyMode: boolean): Promise<Delivery> {
    const info = await this.#d.channels.info(chatId);
    const parentId = info.parentId ?? chatId;
    const base = { chatId, guildId: info.guildId, parentId, threadId: info.parentId === null ? null : chatId };
    const webhook = copyMode ? await this.#d.webhooks.forChannel(parentId) : null;
    return webhook === null ? { ...base, as: 'bot', webhook: null } : { ...base, as: 'webhook', webhook };
  }

  /** The message create body of a part, as every route takes it. */
  body(post: Post, message: OutgoingMessage): Record<string, unknown> {
    const body: Record<string, unknown> = { content: post.content, allowed_mentions: NO_MENTIONS };
    if (message.silent) body.flags = SUPPRESS_NOTIFICATIONS;
    if (post.files.length > 0) body.attachments = post.files.map((f, id) => ({ id, filename: f.name }));
    return body;
  }

  /** Posts one part; the bot's carries the nonce of part `index` of the task, so a repeat returns the first. Returns its id. */
  async post(delivery: Delivery, post: Post, index: number, idempotencyKey: string, message: OutgoingMessage): Promise<string> {
    const body = this.body(post, message);
    if (delivery.webhook !== null) {
      body.username = webhookUsername(message.author.name);
      if (message.author.avatarUrl !== undefined) body.avatar_url = message.author.avatarUrl;
      const raw = await this.#d.rest.post(Routes.webhook(delivery.webhook.id, delivery.webhook.token), {
        body, files: post.files, query: this.#webhookQuery(delivery, true), auth: false,
      }) as APIMessage;
      return raw.id;
    }
    body.nonce = partNonce(idempotencyKey, index);
    body.enforce_nonce = true;
    if (post.replyTo !== undefined) body.message_reference = { message_id: post.replyTo, fail_if_not_exists: false };
    const raw = await this.#d.rest.post(Routes.channelMessages(delivery.chatId), { body, files: post.files }) as APIMessage;
    return raw.id;
  }

  /** Edits through the route the delivery uses; a message the other route made (copy mode fell back, or recovered) is tried there. */
  async patch(delivery: Delivery, messageId: string, content: string): Promise<void> {
    const body = { content, allowed_mentions: NO_MENTIONS };
    const viaBot = () => this.#d.rest.patch(Routes.channelMessage(delivery.chatId, messageId), { body });
    const webhook = delivery.webhook ?? this.#d.webhooks.cached(delivery.parentId);
    const viaWebhook = webhook === null ? null : () => this.#d.rest.patch(Routes.webhookMessage(webhook.id, webhook.token, messageId), {
      body, query: this.#webhookQuery(delivery, false), auth: false,
    });
    const [first, second] = delivery.as === 'webhook' ? [viaWebhook!, viaBot] : [viaBot, viaWebhook];
    try {
      await first();
    } catch (error) {
      const status = restStatus(error);
      if (second === null || (status !== 403 && status !== 404)) throw error;
      await second().catch(() => Promise.reject(error));
    }
  }

  /** Deletes one message; one already gone counts as deleted. */
  async deleteOne(chatId: string, messageId: string): Promise<void> {
    try {
      await this.#d.rest.delete(Routes.channelMessage(chatId, messageId));
      return;
    } catch (error) {
      const status = restStatus(error);
      if (status === 404) return;
      if (status !== 403) throw error;
      // Without Manage Messages a bot can still delete its webhook's messages through the webhook.
      const info = await this.#d.channels.info(chatId);
      const webhook = this.#d.webhooks.cached(info.parentId ?? chatId);
      if (webhook === null) throw error;
      const query = info.parentId === null ? undefined : new URLSearchParams({ thread_id: chatId });
      try {
        await this.#d.rest.delete(Routes.webhookMessage(webhook.id, webhook.token, messageId), { auth: false, ...(query === undefined ? {} : { query }) });
      } catch (second) {
        if (restStatus(second) !== 404) throw error;
      }
    }
  }

  /** Whether `error` says the delivery's webhook was deleted; if so it is forgotten, so the next delivery finds or makes another. */
  lostWebhook(delivery: Delivery, error: unknown): boolean {
    if (delivery.webhook === null || restCode(error) !== UNKNOWN_WEBHOOK) return false;
    this.#d.webhooks.forget(delivery.parentId);
    return true;
  }

  #webhookQuery(delivery: Delivery, wait: boolean): URLSearchParams {
    const query = new URLSearchParams();
    if (wait) query.set('wait', 'true');
    if (delivery.threadId !== null) query.set('thread_id', delivery.threadId);
    return query;
  }
}
