/**
 * The platform-neutral message every adapter produces and consumes. Adapters
 * convert at the edge (Discord markdown, Telegram entities); filters, format
 * conversion, splitting and the forwarding engine only ever see this shape.
 * Everything here is structured-cloneable: it crosses threads and processes
 * and is stored as JSON in Redis while a task waits.
 */

/** Rich-text styles of the neutral model. */
export type EntityType =
  | 'bold'
  | 'italic'
  | 'underline'
  | 'strike'
  | 'code'
  | 'pre'
  | 'spoiler'
  | 'link'
  | 'mention'
  | 'quote';

/**
 * One styled range of `RichText.text`. Offsets and lengths count UTF-16 code
 * units, as Telegram's entities and JavaScript strings do, so the model maps
 * onto Telegram with no re-indexing.
 */
export interface TextEntity {
  type: EntityType;
  offset: number;
  length: number;
  /** Target of a `link`. */
  url?: string;
  /** Platform user id of a `mention`; the text of the range is the display name. */
  userId?: string;
  /** Language of a `pre` block, when known. */
  language?: string;
}

/** Plain text plus styled ranges; ranges may nest but never cross. */
export interface RichText {
  text: string;
  entities: TextEntity[];
}

export type AttachmentKind = 'photo' | 'video' | 'audio' | 'voice' | 'document' | 'sticker' | 'animation';

export interface Attachment {
  kind: AttachmentKind;
  /** Where anyone can download it from, shown in link lines; '' when there is no such place (a Telegram file). */
  url: string;
  /**
   * Where this supervisor's workers download a file that has no public URL
   * (a Telegram file, read through the supervisor's file relay). Set when
   * the task is dispatched; never shown to users. Default: `url`.
   */
  relayUrl?: string;
  fileName: string;
  sizeBytes: number;
  contentType?: string;
  /**
   * A Telegram file, as Telegram names it. Telegram files have no URL
   * another platform could fetch (reading them takes an MTProto session),
   * but a Telegram account can post the same file again by this reference
   * without downloading it, so a copy to Telegram carries the file itself.
   * Other destinations get the bytes through the source session (the
   * supervisor's file relay reads them with upload.getFile).
   */
  telegram?: TelegramFileRef;
}

/** `inputPhoto` / `inputDocument`: id, access_hash, file_reference (base64, to stay JSON-safe). */
export interface TelegramFileRef {
  type: 'photo' | 'document';
  id: string;
  accessHash: string;
  fileReference: string;
  /** Data centre that stores the file; reads go there. Default: the session's own. */
  dcId?: number;
  /** A photo's largest size (`PhotoSize.type`), the one read for other platforms. */
  thumbSize?: string;
  /** The message the file was seen in: an expired reference is renewed by reading it again. */
  messageId?: string;
}

export interface MessageAuthor {
  id: string;
  /** Display name, used by copy mode (Discord webhook username). */
  name: string;
  avatarUrl?: string;
  bot?: boolean;
}

export type NeutralPlatform = 'telegram' | 'discord' | 'loopback';

/** A message as it arrived at a source chat. */
export interface NeutralMessage {
  platform: NeutralPlatform;
  chatId: string;
  messageId: string;
  author: MessageAuthor;
  text: RichText;
  /** In source order; an album / multi-attachment message keeps them together. */
  attachments: Attachment[];
  /** Source message this one replies to, in the same chat. */
  replyToMessageId?: string;
  /** The Telegram forum topic it was posted in (the id of the message that opened it); absent for General and outside forums. */
  topicId?: string;
  /** Telegram album id: messages sharing it form one album. */
  groupId?: string;
  /**
   * An album gathered into this one message: the ids of all its parts, in
   * order, the first being `messageId`. Each part's edits and deletes find
   * the copy; a native forward takes them all.
   */
  partIds?: string[];
  /** ms since epoch, platform time. */
  at: number;
  /** ms since epoch of the edit, for an edited message. */
  editedAt?: number;
}

/** The text of a message with no styling. */
export function plainText(text: string): RichText {
  return { text, entities: [] };
}
