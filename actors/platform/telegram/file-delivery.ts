/**
 * A message with files, posted to Telegram (telegram-sender.ts hands it
 * here): each file is uploaded in turn (media-upload.ts: one part of one
 * file held at a time, whatever the message carries) or, from Telegram,
 * named by its reference; the text goes as the first file's caption when it
 * fits 1 024 characters, else as text messages before the files; the files
 * go alone or as albums (media-plan.ts, media-send.ts). Each file's
 * random_id comes from the task's idempotency key and the file's place in
 * the message, so a redelivery posts none twice. Files that are not posted
 * (over the limit, refused by their source) are link lines of the text.
 */
import type { Api } from 'telegram';
import type { SendNotice } from '../../../src/runtime-contracts/actor-contract.ts';
import { TELEGRAM_MESSAGE_MAX_LENGTH } from '../../../src/forwarding/format/limits.ts';
import { toTelegramMessages } from '../../../src/forwarding/format/telegram-entities.ts';
import type { TelegramText } from '../../../src/forwarding/format/telegram-entities.ts';
import type { Attachment } from '../../../src/forwarding/message/neutral-message.ts';
import { fileLimitOf, type OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';
import type { Invoke } from './dialog-scan.ts';
import { albums, CAPTION_MAX_LENGTH, telegramKind } from './media-plan.ts';
import { sendMediaUnit } from './media-send.ts';
import type { UploadedFile } from './media-send.ts';
import { uploadAttachment } from './media-upload.ts';
import { composeTelegramText } from './outgoing-text.ts';
import { randomIdFor } from './random-id.ts';
import { inputReplyTo } from './reply-target.ts';

/** random_id index of a message's first file; text parts count from 0. */
const FILE_PART_BASE = 1_000;

/** What Telegram answers a file posted by a reference this account may not use (stale, another account's, a protected chat's). */
export const REFERENCE_REFUSALS = ['FILE_REFERENCE_EXPIRED', 'FILE_REFERENCE_INVALID', 'MEDIA_EMPTY', 'CHAT_FORWARDS_RESTRICTED'];

/** An edit of a message with files that Telegram cannot show as it is. */
export const FILE_EDIT_NOT_CARRIED: SendNotice = {
  code: 'edit_not_carried',
  message: 'The edited text no longer fits the message sent with the files: the edit is not carried',
};

export interface FileLimits {
  /** Largest file uploaded; larger ones are linked. */
  limitBytes: number;
  /** How long one download may take, ms. */
  downloadTimeoutMs: number;
}

/** Whether `a` is posted as a file: a Telegram file always (by reference), another when it is not over the limit. */
export function postsAsFile(a: Attachment, limitBytes: number): boolean {
  return a.telegram !== undefined || a.sizeBytes <= limitBytes;
}

/** The requests a send of `message` is expected to make, for the pacer: one per album or lone file, one more when the text goes apart. */
export function expectedSends(message: OutgoingMessage, limitBytes: number): number {
  const posted = message.attachments.filter((a) => postsAsFile(a, limitBytes));
  const overLimit = message.attachments.filter((a) => !postsAsFile(a, limitBytes));
  const textApart = composeTelegramText(message, overLimit, limitBytes).text.length > CAPTION_MAX_LENGTH ? 1 : 0;
  return textApart + albums(posted.map((a) => telegramKind(a))).length;
}

/** `message` with its Telegram files named in lines instead of posted by reference. */
export function withoutReferences(message: OutgoingMessage): OutgoingMessage {
  return {
    ...message,
    attachments: message.attachments.map((a) => {
      const copy = { ...a };
      delete copy.telegram;
      return copy;
    }),
  };
}

export interface FileDeliveryDeps {
  invoke: Invoke;
  applied(answer: Api.TypeUpdates, channelId: string | null): void;
  track(bytes: number): void;
  entities(part: TelegramText): Api.TypeMessageEntity[] | undefined;
  files: FileLimits;
  /** Posts text part `index` (sendMessage, deduplicated); null when a redelivered part's message cannot be found. */
  postText(part: TelegramText, index: number, o: { replyTo: string | undefined; silent: boolean; after: number }): Promise<number | null>;
}

export interface FileDelivery {
  peer: Api.TypeInputPeer;
  channelId: string | null;
  /** The forum topic to post in (SendTask.topicId). */
  topicId: string | undefined;
  idempotencyKey: string;
  message: OutgoingMessage;
}

/** Posts the message and its files; the ids of the messages made, in order. */
export async function deliverWithFiles(d: FileDeliveryDeps, r: FileDelivery): Promise<string[]> {
  const { message } = r;
  const limitBytes = fileLimitOf(message, d.files.limitBytes);
  const uploaded: UploadedFile[] = [];
  const linked: Attachment[] = [];
  for (const [i, a] of message.attachments.entries()) {
    const randomId = randomIdFor(r.idempotencyKey, FILE_PART_BASE + i);
    if (a.telegram !== undefined) {
      uploaded.push({ attachment: a, kind: telegramKind(a), file: a.telegram, randomId });
      continue;
    }
    const out = await uploadAttachment(d.invoke, a, { limitBytes, timeoutMs: d.files.downloadTimeoutMs, track: d.track });
    if ('linked' in out) linked.push(out.linked);
    else uploaded.push({ attachment: a, kind: telegramKind(a, out.sizeBytes), file: out.file, randomId });
  }
  const text = composeTelegramText(message, linked, limitBytes);
  const groups = albums(uploaded.map((u) => u.kind));
  const asCaption = toTelegramMessages(text, CAPTION_MAX_LENGTH);
  const captioned = groups.length > 0 && asCaption.length <= 1;
  const parts = captioned ? [] : toTelegramMessages(text, TELEGRAM_MESSAGE_MAX_LENGTH);
  const ids: string[] = [];
  let previous = 0;
  const replyTo = message.replyToDestinationMessageId;
  for (const [i, part] of parts.entries()) {
    const id = await d.postText(part, i, { replyTo: i === 0 ? replyTo : undefined, silent: message.silent, after: previous });
    if (id === null) continue;
    ids.push(String(id));
    previous = id;
  }
  // The reply goes on the first message posted: the text when it went apart, else the first file.
  const fileReply = parts.length === 0 ? replyTo : undefined;
  for (const [g, group] of groups.entries()) {
    const made = await sendMediaUnit(d, {
      peer: r.peer, channelId: r.channelId, files: group.map((n) => uploaded[n]!),
      caption: g === 0 && captioned ? asCaption[0] ?? null : null,
      replyTo: inputReplyTo(g === 0 ? fileReply : undefined, r.topicId), silent: message.silent, after: previous,
    });
    ids.push(...made.map(String));
    previous = made.at(-1) ?? previous;
  }
  return ids;
}
