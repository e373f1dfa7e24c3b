/**
 * The text a Telegram destination shows for an OutgoingMessage, as neutral
 * RichText before it is split at 4 096 characters:
 *
 * - Not in copy mode, the first line names the original author in bold,
 *   "**Alice** forwarded:", as Discord's bot deliveries do.
 * - In copy mode the text comes alone: a user account cannot post under
 *   another name, and a copy without attribution is what Telegram itself
 *   calls forwarding without the author.
 * - Files that are not uploaded (over the upload limit, refused by their
 *   source, or an edit's: files stay as first sent) each become a last line
 *   naming it, linked to where it can be downloaded, with its size (and the
 *   limit, when that is why).
 * - A message with neither text nor files posts nothing.
 */
import { humanFileSize, oversizeFileLine } from '../../../src/forwarding/format/file-fallback.ts';
import type { Attachment, RichText, TextEntity } from '../../../src/forwarding/message/neutral-message.ts';
import type { OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';

/** Appends `b` to `a` on a new line (none when `a` is empty), shifting `b`'s entities. */
function appendLine(a: RichText, b: RichText): RichText {
  const sep = a.text.length === 0 ? '' : '\n';
  const shift = a.text.length + sep.length;
  return { text: a.text + sep + b.text, entities: [...a.entities, ...b.entities.map((e) => ({ ...e, offset: e.offset + shift }))] };
}

function styled(text: string, entity: Omit<TextEntity, 'offset' | 'length'>, prefix: string, suffix: string): RichText {
  return { text: prefix + text + suffix, entities: [{ ...entity, offset: prefix.length, length: text.length }] };
}

function fileLine(a: Attachment, limitBytes: number): RichText {
  const over = Number.isFinite(limitBytes) ? oversizeFileLine(a, limitBytes) : null;
  if (over !== null) return over;
  const name = a.fileName.trim() || a.kind;
  const size = ` (${humanFileSize(a.sizeBytes)})`;
  if (!/^https?:\/\//i.test(a.url)) return { text: `📎 ${name}${size}`, entities: [] };
  return styled(name, { type: 'link', url: a.url }, '📎 ', size);
}

/**
 * The whole text to post; empty when the message has nothing Telegram can
 * show (no text, no files). `linked` are the files shown as lines (default
 * all), `limitBytes` the upload limit a file over is said to be over.
 */
export function composeTelegramText(message: OutgoingMessage, linked: readonly Attachment[] = message.attachments, limitBytes = Number.POSITIVE_INFINITY): RichText {
  let out: RichText = { text: '', entities: [] };
  if (message.text.text.trim().length === 0 && message.attachments.length === 0) return out;
  if (!message.copyMode) out = styled(message.author.name || 'Someone', { type: 'bold' }, '', ' forwarded:');
  if (message.text.text.length > 0) out = appendLine(out, message.text);
  for (const a of linked) out = appendLine(out, fileLine(a, limitBytes));
  return out;
}
