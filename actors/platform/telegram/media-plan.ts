/**
 * How the files of an outgoing message go to Telegram, decided without I/O:
 *
 * - what each file becomes (`telegramKind`): a JPEG, PNG or WebP image of
 *   at most 10 MB a photo (Telegram takes no larger photo), a GIF an
 *   animation, video a video, an Ogg voice message a voice note, other
 *   audio an audio file, anything else a document under its file name;
 * - which go together (`albums`): Telegram albums hold 2 to 10 items,
 *   photos and videos mixed, or only documents, or only audio files;
 *   voice notes and animations go alone. Files keep their order: a file
 *   that cannot join the album before it starts a new one;
 * - where the text goes: as the caption of the first file when it fits
 *   Telegram's 1 024 characters (CAPTION_MAX_LENGTH), else as text
 *   messages of its own before the files (telegram-sender.ts).
 */
import type { Attachment } from '../../../src/forwarding/message/neutral-message.ts';

export type TelegramMediaKind = 'photo' | 'video' | 'audio' | 'voice' | 'animation' | 'document';

/** Telegram's largest photo; a larger image goes as a document. */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const CAPTION_MAX_LENGTH = 1024;
export const ALBUM_MAX_ITEMS = 10;

function mimeOf(a: Attachment): string {
  return (a.contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** What `a` becomes on Telegram; `sizeBytes` is its size as far as known (the source's, or what was downloaded). */
export function telegramKind(a: Attachment, sizeBytes = a.sizeBytes): TelegramMediaKind {
  // A Telegram file stays what it is there; a sticker goes alone, as an animation does.
  if (a.telegram !== undefined) return a.kind === 'sticker' ? 'animation' : a.kind;
  const mime = mimeOf(a);
  if (/^image\/(jpeg|png|webp)$/.test(mime)) return sizeBytes <= PHOTO_MAX_BYTES ? 'photo' : 'document';
  if (mime === 'image/gif') return 'animation';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return a.kind === 'voice' && mime === 'audio/ogg' ? 'voice' : 'audio';
  return 'document';
}

/** The mime type a document is declared with. */
export function mimeTypeOf(a: Attachment): string {
  return mimeOf(a) || 'application/octet-stream';
}

function albumClass(kind: TelegramMediaKind): 'visual' | 'audio' | 'document' | null {
  switch (kind) {
    case 'photo':
    case 'video': return 'visual';
    case 'audio': return 'audio';
    case 'document': return 'document';
    default: return null;
  }
}

/** The files in send order, grouped: each group of two or more is one album, a group of one a single message. Indexes into `kinds`. */
export function albums(kinds: readonly TelegramMediaKind[]): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  let currentClass: ReturnType<typeof albumClass> = null;
  const flush = () => {
    if (current.length > 0) out.push(current);
    current = [];
  };
  for (const [i, kind] of kinds.entries()) {
    const cls = albumClass(kind);
    if (cls === null || cls !== currentClass || current.length === ALBUM_MAX_ITEMS) flush();
    currentClass = cls;
    current.push(i);
    if (cls === null) flush();
  }
  flush();
  return out;
}
