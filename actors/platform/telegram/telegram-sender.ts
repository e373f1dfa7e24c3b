/**
 * Sends, edits and deletes on Telegram for the forwarding queue. A message
 * is composed (outgoing-text.ts) and split into parts of at most 4 096
 * UTF-16 units; the first part carries the reply. Every part goes out with a
 * `random_id` derived from the task's idempotency key and the part's index
 * (random-id.ts), so a redelivered task posts nothing twice: Telegram answers
 * RANDOM_ID_DUPLICATE. The message is then already there, and its id is
 * looked up among the account's recent messages in that chat (its own, with
 * the same text, newer than the previous part); when it cannot be found (it
 * was deleted, or buried under 50 newer messages) the part is left out of
 * the ids returned, and the send still succeeds: posting it again is what
 * must not happen. Nothing here waits out a FLOOD_WAIT: it comes back as
 * `flood_wait`. Every send and edit first asks the account's pacer
 * (flood-pacer.ts) for as many slots as it makes requests; one it turns away
 * goes back as a `flood_wait` that never reached Telegram, and a FLOOD_WAIT
 * Telegram still answers is taught to the pacer.
 *
 * Files are streamed from their source into Telegram part by part
 * (media-upload.ts) and posted as photos, videos, voice notes, audio files
 * or documents, several at once as albums (media-plan.ts, media-send.ts),
 * each under a random_id of its own (the file's place in the message), so a
 * redelivery posts none twice either. The text is the caption of the first
 * file when it fits 1 024 characters, else it goes first as text messages.
 * A file over the upload limit, or refused by its source, becomes a link
 * line instead; a source failing for a while fails the send as transient.
 * A file from Telegram is posted again by its reference, nothing
 * downloaded; one this account may not post so is named in a line.
 * An edit of a message with files changes only the first message it made
 * (the caption, or the first text part): files stay as first sent.
 *
 * A message from Telegram is forwarded natively instead (forward-mode.ts,
 * telegram-forward.ts), as one message under the same random_id as a fresh
 * send's first part (an album: all its parts in one call, one random_id
 * each), so a redelivery posts nothing twice whichever way it
 * went. A source this account cannot read is copied fresh; one that protects
 * its content is copied when the plan allows it (with a notice), else the
 * send fails for good. A forward with its header cannot be edited: its
 * edits are skipped with a notice.
 */
import bigInt from 'big-integer';
import { Api } from 'telegram';
import type { SendNotice, SendResult, SendTask } from '../../../src/runtime-contracts/actor-contract.ts';
import { toGramjsEntities } from '../../../src/forwarding/format/gramjs-entities.ts';
import { TELEGRAM_MESSAGE_MAX_LENGTH } from '../../../src/forwarding/format/limits.ts';
import { toTelegramMessages } from '../../../src/forwarding/format/telegram-entities.ts';
import type { TelegramText } from '../../../src/forwarding/format/telegram-entities.ts';
import { fileLimitOf, type OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';
import type { Invoke } from './dialog-scan.ts';
import { recentMessages } from './history-catch-up.ts';
import { deliveryMode, editsAForward, FORWARD_NOT_EDITABLE, FORWARDS_RESTRICTED, FORWARDS_RESTRICTED_NO_COPY } from './forward-mode.ts';
import type { Attachment } from '../../../src/forwarding/message/neutral-message.ts';
import { AttachmentUnavailableError } from '../attachment-source.ts';
import { deliverWithFiles, expectedSends, FILE_EDIT_NOT_CARRIED, postsAsFile, REFERENCE_REFUSALS, withoutReferences } from './file-delivery.ts';
import type { FileLimits } from './file-delivery.ts';
import { composeTelegramText } from './outgoing-text.ts';
import type { FloodPacer } from './flood-pacer.ts';
import { pacedResult } from './flood-pacer.ts';
import type { PeerDirectory } from './peer-directory.ts';
import { parseMarkedId } from './peer-ids.ts';
import { randomIdFor } from './random-id.ts';
import { openForumTopic } from './forum-topic-io.ts';
import { inputReplyTo, topicMessageId, topicNotice } from './reply-target.ts';
import { forwardMessage } from './telegram-forward.ts';
import { sendFailure } from './telegram-errors.ts';
import { sentMessageId } from './update-unpack.ts';

/** How far back a redelivered part looks for the message it made. */
const RECENT_LOOKUP = 50;
export interface SenderDeps {
  invoke: Invoke;
  peers: PeerDirectory;
  /** Finds a chat not yet known among the account's dialogs; null when it has no such chat. */
  resolve(chatId: string): Promise<Api.TypeInputPeer | null>;
  /** An answer that moved a pts sequence (the pump applies it, so it is not taken for a gap). */
  applied(answer: Api.TypeUpdates | Api.messages.AffectedMessages, channelId: string | null): void;
  /** Adds to (or, negative, takes from) the client's in-flight bytes. */
  track(bytes: number): void;
  /** The account's send pacing; it outlives the connection. */
  pacer: Pick<FloodPacer, 'admit' | 'flooded'>;
  /** Largest file uploaded (larger ones are linked), and how long one download may take. */
  files: FileLimits;
}

function isOutgoing(value: unknown): value is OutgoingMessage {
  const v = value as Partial<OutgoingMessage> | null;
  return typeof v === 'object' && v !== null && typeof v.text?.text === 'string' && Array.isArray(v.text.entities)
    && Array.isArray(v.attachments) && typeof v.author?.name === 'string';
}

function rpcName(error: unknown): string {
  const name = (error as { errorMessage?: unknown } | null)?.errorMessage;
  return typeof name === 'string' ? name : '';
}

const badPayload: SendResult = { ok: false, kind: 'permanent', message: 'payload is not an OutgoingMessage' };

/** The pair's notice when the account may not open topics in the destination forum. */
const TOPIC_OPEN_FORBIDDEN: SendNotice = {
  code: 'destination_forbidden',
  message: 'The account may not open topics in the destination forum: make it an admin with the Manage Topics right, or stop mapping topics on this pair',
};

/** Thrown for a chat the account cannot name; becomes a permanent failure. */
class UnknownChatError extends Error {}

export class TelegramSender {
  readonly #d: SenderDeps;

  constructor(deps: SenderDeps) {
    this.#d = deps;
  }

  async send(task: SendTask): Promise<SendResult> {
    if (!isOutgoing(task.payload)) return badPayload;
    if (task.openTopic !== undefined) return this.#sendIntoNewTopic(task, task.openTopic.title);
    const message = task.payload;
    const mode = deliveryMode(message);
    if (mode === 'send') return this.#sendFresh(task, message);
    const paced = this.#pace(task, 1);
    if (paced !== null) return paced;
    return this.#guard(task.chatId, [], async () => {
      const to = await this.#peer(task.chatId);
      const from = this.#d.peers.inputPeer(message.source.chatId) ?? await this.#d.resolve(message.source.chatId);
      // The sending account cannot see the source chat: a copy is the best it can do.
      if (from === null) return this.#sendFresh(task, message, true);
      const ids = (message.source.partIds ?? [message.source.messageId]).map(Number);
      const outcome = await forwardMessage(this.#d, {
        from, to, messageIds: ids, randomIds: ids.map((_, i) => randomIdFor(task.idempotencyKey, i)),
        silent: message.silent, dropAuthor: mode === 'forward_without_author', channelId: this.#channelOf(task.chatId),
        topicId: topicMessageId(task.topicId),
      });
      switch (outcome.kind) {
        case 'posted': return { ok: true, destinationMessageIds: outcome.ids.map(String) };
        case 'duplicate': {
          const id = await this.#findPosted(to, message.text.text, 0);
          return { ok: true, destinationMessageIds: id === null ? [] : [String(id)] };
        }
        case 'unreadable': return this.#sendFresh(task, message, true);
        case 'restricted': {
          if (message.allowCopyFallback !== true) {
            return { ok: false, kind: 'permanent', message: '400 CHAT_FORWARDS_RESTRICTED', notice: FORWARDS_RESTRICTED_NO_COPY };
          }
          return { ...await this.#sendFresh(task, message, true), notice: FORWARDS_RESTRICTED };
        }
      }
    });
  }

  /** Opens the topic, then sends into it; the result names the topic, failed or not, so a retry posts there. */
  async #sendIntoNewTopic(task: SendTask, title: string): Promise<SendResult> {
    const paced = this.#pace(task, 1);
    if (paced !== null) return paced;
    let topicId = 0;
    const opened = await this.#guard(task.chatId, [], async () => {
      const peer = await this.#peer(task.chatId);
      topicId = await openForumTopic(this.#d, peer, this.#channelOf(task.chatId), title, task.idempotencyKey);
      return { ok: true, destinationMessageIds: [] };
    });
    if (!opened.ok) return /CHAT_ADMIN_REQUIRED|CHAT_WRITE_FORBIDDEN/.test(opened.message) ? { ...opened, notice: TOPIC_OPEN_FORBIDDEN } : opened;
    const { openTopic: _, ...rest } = task;
    return { ...await this.send({ ...rest, topicId: String(topicId) }), openedTopicId: String(topicId) };
  }

  /** Posts the message as the account's own, in parts; `admitted` when the pacer already let this task through. */
  async #sendFresh(task: SendTask, message: OutgoingMessage, admitted = false): Promise<SendResult> {
    if (message.attachments.some((a) => this.#postsAsFile(a, message))) return this.#sendWithFiles(task, message, admitted);
    const parts = toTelegramMessages(composeTelegramText(message, message.attachments, this.#limit(message)), TELEGRAM_MESSAGE_MAX_LENGTH);
    const paced = admitted ? null : this.#pace(task, parts.length);
    if (paced !== null) return paced;
    return this.#guard(task.chatId, parts, async () => {
      const peer = await this.#peer(task.chatId);
      const ids: string[] = [];
      let previous = 0;
      for (const [i, part] of parts.entries()) {
        const replyTo = i === 0 ? message.replyToDestinationMessageId : undefined;
        const id = await this.#post(task, peer, part, i, { replyTo, silent: message.silent, after: previous });
        if (id === null) continue;
        ids.push(String(id));
        previous = id;
      }
      return { ok: true, destinationMessageIds: ids };
    });
  }

  #postsAsFile(a: Attachment, message: OutgoingMessage): boolean {
    return postsAsFile(a, this.#limit(message));
  }

  /** The largest file this message's files may be: the upload limit, or the owner's plan's. */
  #limit(message: OutgoingMessage): number {
    return fileLimitOf(message, this.#d.files.limitBytes);
  }

  /**
   * Uploads the files, then posts the text and the files (file-delivery.ts).
   * A Telegram file this account may not post again is named in a line
   * instead, as other destinations do.
   */
  async #sendWithFiles(task: SendTask, message: OutgoingMessage, admitted: boolean): Promise<SendResult> {
    const paced = admitted ? null : this.#pace(task, expectedSends(message, this.#limit(message)));
    if (paced !== null) return paced;
    const result = await this.#guard(task.chatId, [], async () => {
      const peer = await this.#peer(task.chatId);
      const ids = await deliverWithFiles({
        invoke: this.#d.invoke, applied: this.#d.applied, track: this.#d.track, files: this.#d.files,
        entities: (part) => this.#entities(part),
        postText: (part, index, o) => this.#post(task, peer, part, index, o),
      }, { peer, channelId: this.#channelOf(task.chatId), topicId: task.topicId, idempotencyKey: task.idempotencyKey, message });
      return { ok: true, destinationMessageIds: ids };
    });
    const refused = !result.ok && REFERENCE_REFUSALS.some((name) => result.message.endsWith(` ${name}`));
    if (!refused || !message.attachments.some((a) => a.telegram !== undefined)) return result;
    return this.#sendFresh(task, withoutReferences(message), true);
  }

  /** An edit of a message sent with files: only its first message changes, when the new text still fits it. */
  async #editWithFiles(task: SendTask, message: OutgoingMessage, target: number): Promise<SendResult> {
    const text = composeTelegramText(message, message.attachments.filter((a) => !this.#postsAsFile(a, message)), this.#limit(message));
    const parts = toTelegramMessages(text, TELEGRAM_MESSAGE_MAX_LENGTH);
    const unchanged: SendResult = { ok: true, destinationMessageIds: (task.targetMessageIds ?? []).map(String) };
    if (parts.length === 0) return unchanged;
    if (parts.length > 1) return { ...unchanged, notice: FILE_EDIT_NOT_CARRIED };
    const paced = this.#pace(task, 1);
    if (paced !== null) return paced;
    return this.#guard(task.chatId, parts, async () => {
      const peer = await this.#peer(task.chatId);
      try {
        const answer = await this.#d.invoke(new Api.messages.EditMessage({ peer, id: target, message: parts[0]!.text, entities: this.#entities(parts[0]!) }));
        this.#d.applied(answer, this.#channelOf(task.chatId));
      } catch (error) {
        if (rpcName(error) === 'MEDIA_CAPTION_TOO_LONG') return { ...unchanged, notice: FILE_EDIT_NOT_CARRIED };
        if (rpcName(error) !== 'MESSAGE_NOT_MODIFIED') throw error;
      }
      return unchanged;
    });
  }

  /** Re-renders into the existing parts: edits each, posts extra parts, deletes leftovers. */
  async edit(task: SendTask): Promise<SendResult> {
    if (!isOutgoing(task.payload)) return badPayload;
    const targets = (task.targetMessageIds ?? []).map(Number);
    if (targets.length === 0 || targets.some((t) => !Number.isSafeInteger(t) || t <= 0)) {
      return { ok: false, kind: 'permanent', message: 'an edit needs targetMessageIds of Telegram messages' };
    }
    const message = task.payload;
    if (editsAForward(message)) return { ok: true, destinationMessageIds: targets.map(String), notice: FORWARD_NOT_EDITABLE };
    if (message.attachments.some((a) => this.#postsAsFile(a, message))) return this.#editWithFiles(task, message, targets[0]!);
    const parts = toTelegramMessages(composeTelegramText(message, message.attachments, this.#limit(message)), TELEGRAM_MESSAGE_MAX_LENGTH);
    // Nothing left to show (the source's text was removed): the copy stays as it is rather than vanish.
    if (parts.length === 0) return { ok: true, destinationMessageIds: targets.map(String) };
    const paced = this.#pace(task, parts.length);
    if (paced !== null) return paced;
    return this.#guard(task.chatId, parts, async () => {
      const peer = await this.#peer(task.chatId);
      const channelId = this.#channelOf(task.chatId);
      const ids: string[] = [];
      let previous = 0;
      for (const [i, part] of parts.entries()) {
        const target = targets[i];
        let id: number | null = target ?? null;
        if (target !== undefined) {
          try {
            const answer = await this.#d.invoke(new Api.messages.EditMessage({ peer, id: target, message: part.text, entities: this.#entities(part) }));
            this.#d.applied(answer, channelId);
          } catch (error) {
            if (rpcName(error) !== 'MESSAGE_NOT_MODIFIED') throw error;
          }
        } else {
          id = await this.#post(task, peer, part, i, { replyTo: undefined, silent: message.silent, after: previous });
        }
        if (id === null) continue;
        ids.push(String(id));
        previous = id;
      }
      const leftovers = targets.slice(parts.length);
      if (leftovers.length > 0) await this.#deleteIds(task.chatId, peer, leftovers);
      return { ok: true, destinationMessageIds: ids };
    });
  }

  /** Deletes every target for everyone; one already gone counts as deleted. */
  async delete(task: SendTask): Promise<SendResult> {
    const targets = (task.targetMessageIds ?? []).map(Number);
    if (targets.some((t) => !Number.isSafeInteger(t) || t <= 0)) return { ok: false, kind: 'permanent', message: 'targetMessageIds must be Telegram message ids' };
    return this.#guard(task.chatId, [], async () => {
      if (targets.length > 0) await this.#deleteIds(task.chatId, await this.#peer(task.chatId), targets);
      return { ok: true, destinationMessageIds: targets.map(String) };
    });
  }

  /** A slot for each of `cost` requests to the task's chat, or the `flood_wait` to hand back. */
  #pace(task: SendTask, cost: number): SendResult | null {
    if (cost === 0) return null;
    const verdict = this.#d.pacer.admit(task.chatId, task.idempotencyKey, Date.now(), cost);
    return verdict.go ? null : pacedResult(verdict, task.chatId);
  }

  async #guard(chatId: string, parts: readonly TelegramText[], run: () => Promise<SendResult>): Promise<SendResult> {
    const bytes = parts.reduce((n, p) => n + p.text.length * 2 + p.entities.length * 64, 0);
    this.#d.track(bytes);
    try {
      return await run();
    } catch (error) {
      if (error instanceof UnknownChatError) return { ok: false, kind: 'permanent', message: error.message };
      if (error instanceof AttachmentUnavailableError) return { ok: false, kind: 'transient', message: error.message };
      const failure = sendFailure(error as Record<string, unknown>);
      const topic = topicNotice(rpcName(error));
      if (topic !== null) return { ...failure, notice: topic };
      // Telegram's own wait holds the whole account (it does not say what it counted), and slows the pacer down.
      if (failure.kind === 'flood_wait') this.#d.pacer.flooded(chatId, failure.retryAfterMs ?? 1_000, Date.now());
      return failure;
    } finally {
      this.#d.track(-bytes);
    }
  }

  async #peer(chatId: string): Promise<Api.TypeInputPeer> {
    const known = this.#d.peers.inputPeer(chatId) ?? await this.#d.resolve(chatId);
    if (known === null) throw new UnknownChatError(`chat ${chatId} is not among this Telegram account's chats`);
    return known;
  }

  #channelOf(chatId: string): string | null {
    const ref = parseMarkedId(chatId);
    return ref?.kind === 'channel' ? ref.id : null;
  }

  #entities(part: TelegramText): Api.TypeMessageEntity[] | undefined {
    if (part.entities.length === 0) return undefined;
    return toGramjsEntities(part.entities, { inputUser: (id) => this.#d.peers.inputUser(id) });
  }

  /** Posts one part; its message id, or null when a redelivered part's message cannot be found. */
  async #post(task: SendTask, peer: Api.TypeInputPeer, part: TelegramText, index: number,
    o: { replyTo: string | undefined; silent: boolean; after: number }): Promise<number | null> {
    const randomId = randomIdFor(task.idempotencyKey, index);
    const replyTo = inputReplyTo(o.replyTo, task.topicId);
    let answer: Api.TypeUpdates;
    try {
      answer = await this.#d.invoke(new Api.messages.SendMessage({
        peer, message: part.text, entities: this.#entities(part), randomId: bigInt(randomId.toString()), replyTo, silent: o.silent || undefined,
      }));
    } catch (error) {
      if (rpcName(error) !== 'RANDOM_ID_DUPLICATE') throw error;
      return this.#findPosted(peer, part.text, o.after);
    }
    this.#d.applied(answer, this.#channelOf(task.chatId));
    const id = sentMessageId(answer, randomId);
    if (id === null) throw new Error('Telegram answered messages.sendMessage without the new message id');
    return id;
  }

  /** The account's own message with `text` posted after message `after`, the newest such; null when none is in sight. */
  async #findPosted(peer: Api.TypeInputPeer, text: string, after: number): Promise<number | null> {
    const recent = await recentMessages(this.#d.invoke, peer, RECENT_LOOKUP);
    const mine = recent.find((m) => m instanceof Api.Message && m.out && m.message === text && m.id > after);
    return mine?.id ?? null;
  }

  async #deleteIds(chatId: string, peer: Api.TypeInputPeer, ids: number[]): Promise<void> {
    const channelId = this.#channelOf(chatId);
    if (channelId !== null && peer instanceof Api.InputPeerChannel) {
      const channel = new Api.InputChannel({ channelId: peer.channelId, accessHash: peer.accessHash });
      this.#d.applied(await this.#d.invoke(new Api.channels.DeleteMessages({ channel, id: ids })), channelId);
      return;
    }
    this.#d.applied(await this.#d.invoke(new Api.messages.DeleteMessages({ id: ids, revoke: true })), null);
  }
}
