/**
 * Telegram messages (gramjs `Api.Message`, from an update, a difference or a
 * history page) to the neutral model, the same shape the Discord adapter
 * produces: text and entities through the shared Telegram entity mapping,
 * the author (a user, or the channel itself for a broadcast post or an
 * anonymous admin), the message it replies to in the same chat, the album
 * it belongs to, times in ms. A photo or document comes as an attachment
 * with no URL (Telegram files have none another platform could fetch) but
 * with its Telegram reference, which a Telegram destination posts again
 * without downloading; a caption comes as text.
 * gramjs reads absent optional fields as null, not undefined: checks here
 * take both.
 */
import { Api } from 'telegram';
import { fromGramjsEntities } from '../../../src/forwarding/format/gramjs-entities.ts';
import { fromTelegram } from '../../../src/forwarding/format/telegram-entities.ts';
import type { Attachment, AttachmentKind, MessageAuthor, NeutralMessage } from '../../../src/forwarding/message/neutral-message.ts';
import { markedId } from './peer-ids.ts';
import type { PeerRef } from './peer-ids.ts';

/** The peer a TL Peer names. */
export function peerRef(peer: Api.TypePeer): PeerRef {
  if (peer instanceof Api.PeerUser) return { kind: 'user', id: peer.userId.toString() };
  if (peer instanceof Api.PeerChat) return { kind: 'chat', id: peer.chatId.toString() };
  return { kind: 'channel', id: peer.channelId.toString() };
}

/** Marked id of the chat a message is in. */
export function chatIdOf(message: Api.Message | Api.MessageService | Api.MessageEmpty): string | null {
  return message.peerId == null ? null : markedId(peerRef(message.peerId));
}

/**
 * Who wrote `message`: its `fromId`, else (broadcast posts, anonymous
 * admins) the chat itself, else, in a private chat, the other party.
 * `nameOf` gives a known peer's display name by marked id.
 */
export function authorOf(message: Api.Message, nameOf: (chatId: string) => string | undefined): MessageAuthor {
  const from = message.fromId ?? message.peerId;
  const id = markedId(peerRef(from));
  const signed = message.post && typeof message.postAuthor === 'string' && message.postAuthor !== '' ? message.postAuthor : undefined;
  return { id, name: signed ?? nameOf(id) ?? 'Unknown' };
}

function documentKind(d: Api.Document): AttachmentKind {
  const attrs = d.attributes;
  if (attrs.some((a) => a instanceof Api.DocumentAttributeSticker)) return 'sticker';
  if (attrs.some((a) => a instanceof Api.DocumentAttributeAnimated)) return 'animation';
  if (attrs.some((a) => a instanceof Api.DocumentAttributeVideo)) return 'video';
  const audio = attrs.find((a) => a instanceof Api.DocumentAttributeAudio);
  if (audio !== undefined) return audio.voice === true ? 'voice' : 'audio';
  return 'document';
}

/** A photo's largest size: its type (what upload.getFile reads) and bytes. */
function largestSize(p: Api.Photo): { type: string; bytes: number } | null {
  let best: { type: string; bytes: number } | null = null;
  for (const s of p.sizes) {
    const bytes = s instanceof Api.PhotoSize ? s.size : s instanceof Api.PhotoSizeProgressive ? Math.max(0, ...s.sizes) : 0;
    if (best === null || bytes > best.bytes) best = { type: (s as { type: string }).type, bytes };
  }
  return best;
}

/**
 * The photo or document a message carries; null for other media (polls,
 * places...) and none. `messageId`, when given, is kept with the reference
 * so an expired one can be renewed.
 */
export function attachmentOf(media: Api.TypeMessageMedia | null | undefined, messageId?: string): Attachment | null {
  const seenIn = messageId === undefined ? {} : { messageId };
  if (media instanceof Api.MessageMediaPhoto && media.photo instanceof Api.Photo) {
    const p = media.photo;
    const size = largestSize(p);
    return {
      kind: 'photo', url: '', fileName: `photo_${p.id.toString()}.jpg`, sizeBytes: size?.bytes ?? 0, contentType: 'image/jpeg',
      telegram: {
        type: 'photo', id: p.id.toString(), accessHash: p.accessHash.toString(), fileReference: Buffer.from(p.fileReference).toString('base64'),
        dcId: p.dcId, ...(size === null ? {} : { thumbSize: size.type }), ...seenIn,
      },
    };
  }
  if (media instanceof Api.MessageMediaDocument && media.document instanceof Api.Document) {
    const d = media.document;
    const named = d.attributes.find((a) => a instanceof Api.DocumentAttributeFilename);
    return {
      kind: documentKind(d), url: '', fileName: named?.fileName ?? `file_${d.id.toString()}`, sizeBytes: Number(d.size.toString()), contentType: d.mimeType,
      telegram: {
        type: 'document', id: d.id.toString(), accessHash: d.accessHash.toString(), fileReference: Buffer.from(d.fileReference).toString('base64'),
        dcId: d.dcId, ...seenIn,
      },
    };
  }
  return null;
}

/** The neutral form of a new or edited message. */
export function toNeutralMessage(message: Api.Message, nameOf: (chatId: string) => string | undefined): NeutralMessage {
  const chatId = markedId(peerRef(message.peerId));
  const out: NeutralMessage = {
    platform: 'telegram',
    chatId,
    messageId: String(message.id),
    author: authorOf(message, nameOf),
    text: fromTelegram(message.message ?? '', fromGramjsEntities(message.entities ?? [])),
    attachments: [],
    at: message.date * 1_000,
  };
  const file = attachmentOf(message.media, String(message.id));
  if (file !== null) out.attachments.push(file);
  const reply = message.replyTo;
  if (reply instanceof Api.MessageReplyHeader) {
    // In a forum topic the header names the topic; reply_to_top_id is set only when the message also answers one.
    const topic = reply.forumTopic === true ? reply.replyToTopId ?? reply.replyToMsgId : undefined;
    if (topic !== undefined) out.topicId = String(topic);
    const answers = topic === undefined || reply.replyToTopId !== undefined ? reply.replyToMsgId : undefined;
    if (typeof answers === 'number' && (reply.replyToPeerId == null || markedId(peerRef(reply.replyToPeerId)) === chatId)) {
      out.replyToMessageId = String(answers);
    }
  }
  if (message.groupedId != null) out.groupId = message.groupedId.toString();
  if (typeof message.editDate === 'number' && message.editDate > 0) out.editedAt = message.editDate * 1_000;
  return out;
}

/** What is known of a deleted message: Telegram sends only its id. */
export function deletedMessage(chatId: string, messageId: string, at: number): NeutralMessage {
  return { platform: 'telegram', chatId, messageId, author: { id: '', name: '' }, text: { text: '', entities: [] }, attachments: [], at };
}
