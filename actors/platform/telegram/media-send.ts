/**
 * Posting uploaded files (media-upload.ts) to a chat: one file alone by
 * messages.sendMedia, an album (media-plan.ts) by messages.uploadMedia for
 * each file, then one messages.sendMultiMedia, as Telegram requires. Every
 * message gets its own random_id, made from the task's idempotency key and
 * the file's place in the source message, so a redelivered task posts
 * nothing twice: Telegram answers RANDOM_ID_DUPLICATE, and the messages
 * made the first time are looked up among the account's recent messages
 * (its own, with media, newer than what the send posted before them; for
 * an album, those of the first one's album). The caption, when there is
 * one, goes on the first file. A file from Telegram is posted by its
 * reference (inputMediaPhoto / inputMediaDocument), never downloaded.
 */
import bigInt from 'big-integer';
import { Api } from 'telegram';
import type { TelegramText } from '../../../src/forwarding/format/telegram-entities.ts';
import type { Attachment, TelegramFileRef } from '../../../src/forwarding/message/neutral-message.ts';
import type { Invoke } from './dialog-scan.ts';
import { recentMessages } from './history-catch-up.ts';
import { mimeTypeOf } from './media-plan.ts';
import type { TelegramMediaKind } from './media-plan.ts';
import { sentMessageId } from './update-unpack.ts';

/** How far back a redelivered send looks for the messages it made. */
const RECENT_LOOKUP = 50;

export interface UploadedFile {
  attachment: Attachment;
  kind: TelegramMediaKind;
  /** The upload, or the stored Telegram file it names. */
  file: Api.TypeInputFile | TelegramFileRef;
  randomId: bigint;
}

function byReference(ref: TelegramFileRef): Api.TypeInputMedia {
  const id = { id: bigInt(ref.id), accessHash: bigInt(ref.accessHash), fileReference: Buffer.from(ref.fileReference, 'base64') };
  return ref.type === 'photo'
    ? new Api.InputMediaPhoto({ id: new Api.InputPhoto(id) })
    : new Api.InputMediaDocument({ id: new Api.InputDocument(id) });
}

function isReference(file: UploadedFile['file']): file is TelegramFileRef {
  return typeof (file as Partial<TelegramFileRef>).fileReference === 'string';
}

export interface MediaSendDeps {
  invoke: Invoke;
  applied(answer: Api.TypeUpdates, channelId: string | null): void;
  entities(part: TelegramText): Api.TypeMessageEntity[] | undefined;
}

export interface MediaUnit {
  peer: Api.TypeInputPeer;
  channelId: string | null;
  files: UploadedFile[];
  caption: TelegramText | null;
  /** Where the unit lands (reply-target.ts). */
  replyTo: Api.InputReplyToMessage | undefined;
  silent: boolean;
  /** The id of the last message the send posted before this unit (0: none). */
  after: number;
}

function attributesOf(u: UploadedFile): Api.TypeDocumentAttribute[] {
  const name = new Api.DocumentAttributeFilename({ fileName: u.attachment.fileName || 'file' });
  switch (u.kind) {
    case 'video': return [new Api.DocumentAttributeVideo({ duration: 0, w: 0, h: 0, supportsStreaming: true }), name];
    case 'voice': return [new Api.DocumentAttributeAudio({ voice: true, duration: 0 }), name];
    case 'audio': return [new Api.DocumentAttributeAudio({ duration: 0 }), name];
    case 'animation': return [new Api.DocumentAttributeAnimated(), name];
    default: return [name];
  }
}

function uploadedMedia(u: UploadedFile): Api.TypeInputMedia {
  if (isReference(u.file)) return byReference(u.file);
  if (u.kind === 'photo') return new Api.InputMediaUploadedPhoto({ file: u.file });
  return new Api.InputMediaUploadedDocument({
    file: u.file, mimeType: mimeTypeOf(u.attachment), attributes: attributesOf(u), forceFile: u.kind === 'document' || undefined,
  });
}

/** A stored file named by reference, from what messages.uploadMedia answered. */
function storedMedia(media: Api.TypeMessageMedia): Api.TypeInputMedia {
  if (media instanceof Api.MessageMediaPhoto && media.photo instanceof Api.Photo) {
    const { id, accessHash, fileReference } = media.photo;
    return new Api.InputMediaPhoto({ id: new Api.InputPhoto({ id, accessHash, fileReference }) });
  }
  if (media instanceof Api.MessageMediaDocument && media.document instanceof Api.Document) {
    const { id, accessHash, fileReference } = media.document;
    return new Api.InputMediaDocument({ id: new Api.InputDocument({ id, accessHash, fileReference }) });
  }
  throw new Error(`Telegram answered messages.uploadMedia with ${media.className}`);
}

function rpcName(error: unknown): string {
  const name = (error as { errorMessage?: unknown } | null)?.errorMessage;
  return typeof name === 'string' ? name : '';
}

/** Posts one unit (a file, or an album); the ids of the messages it made, in order. */
export async function sendMediaUnit(d: MediaSendDeps, u: MediaUnit): Promise<number[]> {
  const { replyTo } = u;
  const caption = u.caption?.text ?? '';
  const entities = u.caption === null ? undefined : d.entities(u.caption);
  let answer: Api.TypeUpdates;
  try {
    if (u.files.length === 1) {
      const [only] = u.files;
      answer = await d.invoke(new Api.messages.SendMedia({
        peer: u.peer, media: uploadedMedia(only!), message: caption, entities, randomId: bigInt(only!.randomId.toString()), replyTo, silent: u.silent || undefined,
      }));
    } else {
      const multiMedia: Api.InputSingleMedia[] = [];
      for (const [i, f] of u.files.entries()) {
        const media = isReference(f.file) ? byReference(f.file) : storedMedia(await d.invoke(new Api.messages.UploadMedia({ peer: u.peer, media: uploadedMedia(f) })));
        multiMedia.push(new Api.InputSingleMedia({
          media, randomId: bigInt(f.randomId.toString()), message: i === 0 ? caption : '', entities: i === 0 ? entities : undefined,
        }));
      }
      answer = await d.invoke(new Api.messages.SendMultiMedia({ peer: u.peer, multiMedia, replyTo, silent: u.silent || undefined }));
    }
  } catch (error) {
    if (rpcName(error) !== 'RANDOM_ID_DUPLICATE') throw error;
    return findPostedMedia(d.invoke, u.peer, u.after, u.files.length > 1);
  }
  d.applied(answer, u.channelId);
  return u.files.map((f) => {
    const id = sentMessageId(answer, f.randomId);
    if (id === null) throw new Error('Telegram answered a media send without the new message id');
    return id;
  });
}

/** The account's own media messages a unit posted before: the first after `after` (and, for an album, the rest of its album). */
async function findPostedMedia(invoke: Invoke, peer: Api.TypeInputPeer, after: number, album: boolean): Promise<number[]> {
  const recent = await recentMessages(invoke, peer, RECENT_LOOKUP);
  const mine = recent.filter((m): m is Api.Message => m instanceof Api.Message && m.out === true && m.media != null && m.id > after)
    .sort((a, b) => a.id - b.id);
  const first = mine[0];
  if (first === undefined) return [];
  if (!album || first.groupedId == null) return [first.id];
  const group = first.groupedId.toString();
  return mine.filter((m) => m.groupedId?.toString() === group).map((m) => m.id);
}
