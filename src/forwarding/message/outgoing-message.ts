/**
 * What the forwarding engine hands a destination adapter for a send or an
 * edit (`SendTask.payload` of op `send` and `edit`): the neutral content after
 * filters and conversion, plus how the pair wants it delivered. Structured-
 * cloneable, like NeutralMessage: it waits in Redis and crosses threads.
 */
import type { Attachment, MessageAuthor, NeutralPlatform, RichText } from './neutral-message.ts';

export interface OutgoingMessage {
  text: RichText;
  /** In order; an album stays together (Discord: up to 10 per message). */
  attachments: Attachment[];
  /** Destination message the copy replies to (the forward of the source's reply target), when known. */
  replyToDestinationMessageId?: string;
  /** Deliver without a notification (Discord SUPPRESS_NOTIFICATIONS, Telegram silent). */
  silent: boolean;
  /** Post under the original author's name and avatar instead of as the account, where the platform allows. */
  copyMode: boolean;
  author: MessageAuthor;
  /** `partIds`: the parts of an album from Telegram, all forwarded together (NeutralMessage.partIds). */
  source: { platform: NeutralPlatform; chatId: string; messageId: string; partIds?: string[] };
  /**
   * The pair's filters changed the text or the files: a native forward
   * would carry the original instead, so the message goes as a fresh copy.
   */
  contentChanged?: boolean;
  /**
   * The sending account is the one reading the source chat. Private chats
   * and basic groups number messages per account, so only then does the
   * source's message id name the same message for the sender.
   */
  sentByReader?: boolean;
  /**
   * Whether the owner's plan lets a copy stand in for a forward the source
   * chat refuses (protected content); set when the task is sent, so it
   * follows the plan of that moment.
   */
  allowCopyFallback?: boolean;
  /**
   * Largest file, in bytes, the sender downloads and uploads again: the
   * owner's plan's `fileMb`, set when the task is sent. Files over it (or
   * over the platform's upload limit) go as a line with name and size.
   * Unset: only the platform's limit.
   */
  fileLimitBytes?: number;
}

/** The largest file `message`'s sender transfers: the platform's upload limit, or the owner's plan's when lower. */
export function fileLimitOf(message: Pick<OutgoingMessage, 'fileLimitBytes'>, platformLimitBytes: number): number {
  return Math.min(platformLimitBytes, message.fileLimitBytes ?? Number.POSITIVE_INFINITY);
}
