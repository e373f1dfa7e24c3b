/**
 * Sends, edits and deletes on Discord for the forwarding queue, over REST
 * only. A message is rendered to parts of at most 2 000 characters; the
 * first carries the reply and the files (up to 10 per message, more go in
 * messages of their own after the text). Bot messages carry a nonce derived
 * from the task's idempotency key with `enforce_nonce`, so a redelivered task
 * gets the messages it already made instead of new ones. Copy mode posts
 * through the channel webhook under the author's name and avatar (webhook
 * executions have no nonce; both routes are in message-routes.ts). A send
 * failing part-way reports the parts it posted; the retry carries them in
 * `sentPartIds` and resumes after them.
 * A forum or media channel takes no message of its own: a send there
 * answers `needsTopic` until the supervisor asks for a post (`openTopic`),
 * which the message's first part opens (forum-posts.ts).
 */
import { ChannelType, Routes } from 'discord.js';
import type { APIChannel, RawFile, REST } from 'discord.js';
import type { SendNotice, SendResult, SendTask } from '../../../src/runtime-contracts/actor-contract.ts';
import { toDiscordMessages } from '../../../src/forwarding/format/discord-markdown.ts';
import type { RichText } from '../../../src/forwarding/message/neutral-message.ts';
import { fileLimitOf, type OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';
import { AttachmentUnavailableError, fetchAttachments } from './attachment-fetch.ts';
import type { FetchedFiles } from './attachment-fetch.ts';
import type { ChannelDirectory, ChannelInfo } from './channel-directory.ts';
import { restCode, sendFailure } from './discord-rest.ts';
import { forumPostOpener, isPostsOnly, NEEDS_POST, POST_NEEDS_FILE, PostNeedsFileError } from './forum-posts.ts';
import { earlierThread, type EarlierOpening } from './opened-threads.ts';
import type { DiscordRuntime } from './discord-runtime.ts';
import { chunk, composeText } from './outgoing-text.ts';
import type { WebhookDirectory } from './webhook-directory.ts';
import { MessageRoutes, type Delivery, type Post } from './message-routes.ts';

/** Discord's limits: characters per message, files per message. */
const MAX_LENGTH = 2000;
const MAX_FILES = 10;
const MISSING_PERMISSIONS = 50013;
/** A mapped topic's thread stays open a week without messages (Discord's longest), then unarchives on the next post. */
const THREAD_ARCHIVE_MINUTES = 10_080;
const THREAD_FORBIDDEN: SendNotice = {
  code: 'destination_forbidden',
  message: 'The bot may not start threads in the destination channel (Discord: Missing Permissions): a pair mapping topics needs Create Public Threads and Send Messages in Threads there',
};

/** How a send opens a forum post: the delivery its first part is composed for, and the call that posts it as the post. */
export interface PostOpener {
  start: Delivery;
  open: (body: Record<string, unknown>, files: RawFile[]) => Promise<{ id: string; delivery: Delivery }>;
}

export interface SenderDeps {
  rest: REST;
  channels: ChannelDirectory;
  webhooks: WebhookDirectory;
  runtime: DiscordRuntime;
  /** Adds to (or, negative, takes from) the client's in-flight bytes. */
  track: (bytes: number) => void;
  /** The bot's own user id: the threads it opened are found by it. */
  botUserId: string;
}

function isOutgoing(value: unknown): value is OutgoingMessage {
  const v = value as Partial<OutgoingMessage> | null;
  return typeof v === 'object' && v !== null && typeof v.text?.text === 'string' && Array.isArray(v.text.entities)
    && Array.isArray(v.attachments) && typeof v.author?.name === 'string';
}

const badPayload: SendResult = { ok: false, kind: 'permanent', message: 'payload is not an OutgoingMessage' };

export class DiscordSender {
  readonly #d: SenderDeps;
  readonly #routes: MessageRoutes;

  constructor(deps: SenderDeps) {
    this.#d = deps;
    this.#routes = new MessageRoutes(deps);
  }

  async send(task: SendTask): Promise<SendResult> {
    if (!isOutgoing(task.payload)) return badPayload;
    if (task.openTopic !== undefined) return this.#sendIntoNewThread(task, task.openTopic);
    return this.#deliver(task, task.payload, null);
  }

  /**
   * Posts the message's parts, or with `opener` opens a post with the first
   * of them and posts the rest into it. A destination holding posts only
   * gets nothing without an opener: the supervisor places the send in a post.
   */
  async #deliver(task: SendTask, message: OutgoingMessage, opener: PostOpener | null): Promise<SendResult> {
    // Parts posted so far, by this attempt or an earlier one: a retry resumes after them,
    // since webhook executions have no nonce to make a repost harmless.
    const sent = [...(task.sentPartIds ?? [])];
    let held = 0;
    try {
      if (opener === null && isPostsOnly((await this.#d.channels.info(task.chatId)).type)) return NEEDS_POST;
      const fetched = await fetchAttachments(message.attachments, this.#limit(message), this.#d.runtime.requestTimeoutMs);
      held = fetched.bytes;
      this.#d.track(held);
      // The message opening a post is the bot's, whatever copy mode says: a post starts with a message of its creator.
      let delivery = opener?.start ?? await this.#routes.delivery(task.chatId, message.copyMode);
      try {
        return await this.#postAll(delivery, message, fetched, task.idempotencyKey, sent, opener);
      } catch (error) {
        // Someone deleted the channel webhook: find or make another, once.
        if (!this.#routes.lostWebhook(delivery, error)) throw error;
        delivery = await this.#routes.delivery(task.chatId, message.copyMode);
        return await this.#postAll(delivery, message, fetched, task.idempotencyKey, sent, null);
      }
    } catch (error) {
      const failure: SendResult = error instanceof AttachmentUnavailableError
        ? { ok: false, kind: 'transient', message: error.message }
        : error instanceof PostNeedsFileError ? { ok: false, kind: 'permanent', message: error.message, notice: POST_NEEDS_FILE } : sendFailure(error);
      return sent.length > 0 ? { ...failure, sentPartIds: sent } : failure;
    } finally {
      this.#d.track(-held);
    }
  }

  /**
   * Starts a public thread in the channel (a topic of a mapped forum), then
   * sends into it; in a forum or media channel, a post opened with the
   * message itself. The result names the thread, failed or not, so a retry
   * posts there. Thread creation has no nonce: one an earlier attempt
   * opened without its answer coming back is looked for first
   * (opened-threads.ts).
   */
  async #sendIntoNewThread(task: SendTask, openTopic: NonNullable<SendTask['openTopic']>): Promise<SendResult> {
    const { openTopic: _, ...rest } = task;
    const { title } = openTopic;
    let threadId: string;
    try {
      const info = await this.#d.channels.info(task.chatId);
      const earlier = this.#earlier(info, task.chatId, openTopic);
      if (isPostsOnly(info.type)) return await this.#sendIntoNewPost(rest, title, info, earlier);
      const found = earlier === null ? null : await earlierThread(this.#d.rest, earlier);
      // An announcement channel holds announcement threads only.
      const type = info.type === ChannelType.GuildAnnouncement ? ChannelType.AnnouncementThread : ChannelType.PublicThread;
      threadId = found ?? (await this.#d.rest.post(Routes.threads(task.chatId), {
        body: { name: title, type, auto_archive_duration: THREAD_ARCHIVE_MINUTES },
      }) as APIChannel).id;
    } catch (error) {
      const failure = sendFailure(error);
      return restCode(error) === MISSING_PERMISSIONS && !failure.ok ? { ...failure, notice: THREAD_FORBIDDEN } : failure;
    }
    return { ...await this.send({ ...rest, chatId: threadId }), openedTopicId: threadId };
  }

  /** What to look for an earlier attempt's thread by; null when the send says nothing of its acceptance time. */
  #earlier(info: ChannelInfo, chatId: string, openTopic: NonNullable<SendTask['openTopic']>): EarlierOpening | null {
    if (openTopic.since === undefined || info.guildId === null) return null;
    return { guildId: info.guildId, parentId: chatId, title: openTopic.title, botUserId: this.#d.botUserId, since: openTopic.since };
  }

  /** Opens a post in a forum or media channel with the message's first part (or finds the one an earlier attempt opened); the rest go into it. */
  async #sendIntoNewPost(task: SendTask, title: string, info: ChannelInfo, earlier: EarlierOpening | null): Promise<SendResult> {
    const post = forumPostOpener(this.#d.rest, task.chatId, title, info, earlier);
    const result = await this.#deliver(task, task.payload as OutgoingMessage, post.opener);
    const opened = post.opened();
    return opened === null ? result : { ...result, openedTopicId: opened };
  }

  /** Re-renders into the existing parts: edits each, posts extra parts, deletes leftovers. Files stay as first sent. */
  async edit(task: SendTask): Promise<SendResult> {
    if (!isOutgoing(task.payload)) return badPayload;
    const targets = task.targetMessageIds ?? [];
    if (targets.length === 0) return { ok: false, kind: 'permanent', message: 'an edit needs targetMessageIds' };
    const message = task.payload;
    try {
      const delivery = await this.#routes.delivery(task.chatId, message.copyMode);
      const linked = message.attachments.filter((a) => a.sizeBytes > this.#limit(message));
      const parts = toDiscordMessages(this.#compose(message, delivery, linked), MAX_LENGTH);
      if (parts.length === 0 && message.attachments.length > linked.length) parts.push('');
      const ids: string[] = [];
      for (const [i, content] of parts.entries()) {
        const target = targets[i];
        if (target !== undefined) {
          await this.#routes.patch(delivery, target, content);
          ids.push(target);
        } else {
          ids.push(await this.#routes.post(delivery, { content, files: [] }, i, task.idempotencyKey, message));
        }
      }
      for (const leftover of targets.slice(parts.length)) await this.#routes.deleteOne(task.chatId, leftover);
      return { ok: true, destinationMessageIds: ids };
    } catch (error) {
      return sendFailure(error);
    }
  }

  /** Deletes every target; one already gone counts as deleted. */
  async delete(task: SendTask): Promise<SendResult> {
    const targets = task.targetMessageIds ?? [];
    try {
      for (const id of targets) await this.#routes.deleteOne(task.chatId, id);
      return { ok: true, destinationMessageIds: [...targets] };
    } catch (error) {
      return sendFailure(error);
    }
  }

  /**
   * The text parts in order, the first with the reply and up to 10 files;
   * further files in messages of their own. Parts already in `sent` are
   * skipped; each one posted is added to it as it succeeds.
   */
  async #postAll(
    delivery: Delivery, message: OutgoingMessage, fetched: FetchedFiles, idempotencyKey: string, sent: string[], opener: PostOpener | null,
  ): Promise<SendResult> {
    const parts = toDiscordMessages(this.#compose(message, delivery, fetched.linked), MAX_LENGTH);
    const fileRuns = chunk(fetched.files, MAX_FILES);
    const posts: Post[] = parts.map((content) => ({ content, files: [] }));
    if (posts.length === 0 && fileRuns.length > 0) posts.push({ content: '', files: [] });
    if (posts.length === 0) return { ok: true, destinationMessageIds: [] };
    posts[0]!.files = fileRuns[0] ?? [];
    if (message.replyToDestinationMessageId !== undefined) posts[0]!.replyTo = message.replyToDestinationMessageId;
    for (const files of fileRuns.slice(1)) posts.push({ content: '', files });
    let into = delivery;
    for (const [i, post] of posts.entries()) {
      if (i < sent.length) continue;
      if (i === 0 && opener !== null) {
        // A post's first message takes the thread's id: the post is the first part.
        const opened = await opener.open(this.#routes.body(post, message), post.files);
        sent.push(opened.id);
        into = opened.delivery;
        continue;
      }
      sent.push(await this.#routes.post(into, post, i, idempotencyKey, message));
    }
    return { ok: true, destinationMessageIds: [...sent] };
  }

  /** The largest file this message's files may be: the upload limit, or the owner's plan's. */
  #limit(message: OutgoingMessage): number {
    return fileLimitOf(message, this.#d.runtime.uploadLimitBytes);
  }

  #compose(message: OutgoingMessage, delivery: Delivery, linked: OutgoingMessage['attachments']): RichText {
    const reply = message.replyToDestinationMessageId;
    const replyJumpUrl = delivery.as === 'webhook' && reply !== undefined && delivery.guildId !== null
      ? `https://discord.com/channels/${delivery.guildId}/${delivery.chatId}/${reply}`
      : undefined;
    const uploadLimitBytes = this.#limit(message);
    return composeText({ message, as: delivery.as, linked, uploadLimitBytes, ...(replyJumpUrl === undefined ? {} : { replyJumpUrl }) });
  }
}
