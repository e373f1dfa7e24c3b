/**
 * Raw gateway and REST message objects (API v10) to the neutral model. The
 * adapter reads raw payloads rather than discord.js structures so it needs no
 * message cache, and so live events and catch-up pages convert alike.
 */
import type { APIAttachment, APIMessage, APIStickerItem, APIUser } from 'discord.js';
import { fromDiscordMarkdown } from '../../../src/forwarding/format/discord-markdown.ts';
import type { Attachment, AttachmentKind, MessageAuthor, NeutralMessage } from '../../../src/forwarding/message/neutral-message.ts';

const CDN = 'https://cdn.discordapp.com';
/** MessageType.Reply: a reply to a message named by `message_reference`. */
const REPLY_TYPE = 19;
/** MessageFlags.IsVoiceMessage. */
const VOICE_FLAG = 1 << 13;
/** StickerFormatType.GIF and LOTTIE; the rest are PNG/APNG images. */
const STICKER_GIF = 4;
const STICKER_LOTTIE = 3;

function author(user: APIUser, isWebhook: boolean): MessageAuthor {
  const out: MessageAuthor = { id: user.id, name: (isWebhook ? user.username : user.global_name ?? user.username) || 'Unknown' };
  if (user.avatar) out.avatarUrl = `${CDN}/avatars/${user.id}/${user.avatar}.${user.avatar.startsWith('a_') ? 'gif' : 'png'}`;
  if (user.bot === true) out.bot = true;
  return out;
}

function kindOf(a: APIAttachment, voice: boolean): AttachmentKind {
  const type = a.content_type ?? '';
  if (voice && type.startsWith('audio/')) return 'voice';
  if (type === 'image/gif') return 'animation';
  if (type.startsWith('image/')) return 'photo';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return 'audio';
  return 'document';
}

function attachment(a: APIAttachment, voice: boolean): Attachment {
  const out: Attachment = { kind: kindOf(a, voice), url: a.url, fileName: a.filename, sizeBytes: a.size };
  if (a.content_type !== undefined) out.contentType = a.content_type;
  return out;
}

function sticker(s: APIStickerItem): Attachment | null {
  if (s.format_type === STICKER_LOTTIE) return null;
  const ext = s.format_type === STICKER_GIF ? 'gif' : 'png';
  return {
    kind: 'sticker', url: `${CDN}/stickers/${s.id}.${ext}`, fileName: `${s.name}.${ext}`, sizeBytes: 0, contentType: ext === 'gif' ? 'image/gif' : 'image/png',
  };
}

/** Display name of a user the message mentions (Discord sends them along), for `<@id>`. */
function mentioned(raw: APIMessage, userId: string): string | undefined {
  const user = raw.mentions?.find((u) => u.id === userId);
  return user === undefined ? undefined : user.global_name ?? user.username;
}

/** The neutral form of a created or edited message (embeds are not carried: they are mostly link previews Discord makes itself). */
export function toNeutralMessage(raw: APIMessage): NeutralMessage {
  const voice = ((raw.flags ?? 0) & VOICE_FLAG) !== 0;
  const attachments = raw.attachments.map((a) => attachment(a, voice));
  for (const s of raw.sticker_items ?? []) {
    const a = sticker(s);
    if (a !== null) attachments.push(a);
  }
  const out: NeutralMessage = {
    platform: 'discord',
    chatId: raw.channel_id,
    messageId: raw.id,
    author: author(raw.author, raw.webhook_id !== undefined),
    text: fromDiscordMarkdown(raw.content ?? '', { resolveUser: (id) => mentioned(raw, id) }),
    attachments,
    at: Date.parse(raw.timestamp),
  };
  const ref = raw.message_reference;
  if (raw.type === REPLY_TYPE && ref?.message_id !== undefined && (ref.channel_id === undefined || ref.channel_id === raw.channel_id)) {
    out.replyToMessageId = ref.message_id;
  }
  if (raw.edited_timestamp) out.editedAt = Date.parse(raw.edited_timestamp);
  return out;
}

/** What is known of a deleted message: Discord sends only its ids, so text and author are empty. */
export function deletedMessage(chatId: string, messageId: string, at: number): NeutralMessage {
  return { platform: 'discord', chatId, messageId, author: { id: '', name: '' }, text: { text: '', entities: [] }, attachments: [], at };
}
