/**
 * The text a Discord destination shows for an OutgoingMessage, as neutral
 * RichText before rendering, so splitting at 2 000 characters sees all of it:
 *
 * - Sent as the bot (no copy mode, or copy mode where the bot may not use
 *   webhooks), the first line names the original author in bold:
 *   "**Alice** forwarded:". A line of text rather than an embed author, so it
 *   shows in notifications and previews and survives splitting and edits.
 * - Sent through a webhook, the author's name and avatar are the webhook's
 *   identity, but webhooks cannot reply: a reply gets a first line linking
 *   to the message it answers.
 * - Files over the upload limit become a last line each, as the shared
 *   `oversizeFileLine` writes it (name linked, size, the limit); a file its
 *   source would not serve gets the same line without the limit.
 */
import { createHash } from 'node:crypto';
import type { Attachment, RichText, TextEntity } from '../../../src/forwarding/message/neutral-message.ts';
import type { OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';
import { humanFileSize, oversizeFileLine } from '../../../src/forwarding/format/file-fallback.ts';

export interface ComposeInput {
  message: OutgoingMessage;
  /** `webhook`: posted under the author's identity; `bot`: as the bot, with the author line. */
  as: 'webhook' | 'bot';
  /** Jump URL of the replied-to message, for a delivery that cannot reply natively. */
  replyJumpUrl?: string;
  /** Attachments sent as link lines instead of uploads. */
  linked: readonly Attachment[];
  /** The destination's upload limit, bytes, named in the line of a file over it. */
  uploadLimitBytes: number;
}

/** Appends `b` to `a`, shifting `b`'s entities. */
export function concatRichText(a: RichText, b: RichText): RichText {
  const shift = a.text.length;
  return {
    text: a.text + b.text,
    entities: [...a.entities, ...b.entities.map((e) => ({ ...e, offset: e.offset + shift }))],
  };
}

function styled(text: string, entity: Omit<TextEntity, 'offset' | 'length'> | null, prefix = '', suffix = ''): RichText {
  const entities: TextEntity[] = entity === null ? [] : [{ ...entity, offset: prefix.length, length: text.length }];
  return { text: prefix + text + suffix, entities };
}

/** The line of a file sent as a link: over the limit, or refused by its source. */
function fileLine(a: Attachment, limitBytes: number): RichText {
  const over = oversizeFileLine(a, limitBytes);
  if (over !== null) return over;
  const name = a.fileName.trim() || a.kind;
  // A Telegram file has no URL: it is named, not linked.
  if (!/^https?:\/\//i.test(a.url)) return styled(name, null, '📎 ', ` (${humanFileSize(a.sizeBytes)})`);
  return styled(name, { type: 'link', url: a.url }, '📎 ', ` (${humanFileSize(a.sizeBytes)})`);
}

export function composeText(input: ComposeInput): RichText {
  const { message } = input;
  const lines: RichText[] = [];
  if (input.as === 'bot') lines.push(styled(message.author.name || 'Someone', { type: 'bold' }, '', ' forwarded:'));
  if (input.replyJumpUrl !== undefined) lines.push(styled('in reply to this message', { type: 'link', url: input.replyJumpUrl }, '↪ '));
  if (message.text.text.length > 0) lines.push(message.text);
  for (const a of input.linked) lines.push(fileLine(a, input.uploadLimitBytes));
  let out: RichText = { text: '', entities: [] };
  for (const [i, line] of lines.entries()) out = concatRichText(i === 0 ? out : concatRichText(out, { text: '\n', entities: [] }), line);
  return out;
}

/**
 * A webhook username Discord accepts: 1–80 characters, without "discord" or
 * "clyde" (Discord refuses those with 400).
 */
export function webhookUsername(name: string): string {
  const cleaned = name.replace(/discord/gi, 'disc0rd').replace(/clyde/gi, 'clyd3').trim();
  const cut = [...cleaned].slice(0, 80).join('');
  return cut.length === 0 ? 'Unknown' : cut;
}

/** The nonce of part `index` of a send: 25 characters (Discord's maximum) derived from the task's idempotency key. */
export function partNonce(idempotencyKey: string, index: number): string {
  return createHash('sha256').update(`${idempotencyKey}:${index}`).digest('base64url').slice(0, 25);
}

/** Splits `items` into runs of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
