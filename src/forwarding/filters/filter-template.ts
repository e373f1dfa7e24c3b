/**
 * The small template language of template filters: literal text with
 * `{placeholder}`s, `{{` and `}}` for literal braces. Parsing is strict (an
 * unknown placeholder or a stray `{` is refused when the filter is saved) so a
 * typo shows up in the API answer rather than in every forwarded message.
 */
import type { NeutralMessage } from '../message/neutral-message.ts';

/**
 * Placeholders templates understand, with what they render to. Dates and
 * times are UTC.
 */
export const TEMPLATE_PLACEHOLDERS = {
  author: "the author's display name",
  author_id: "the author's platform id",
  chat: 'the source chat name (its id when the name is unknown)',
  chat_id: 'the source chat id',
  platform: 'the source platform: telegram or discord',
  date: 'the day the message was sent, YYYY-MM-DD',
  time: 'the time the message was sent, HH:MM',
  forward_date: 'the day it is forwarded, YYYY-MM-DD (the send day when the forwarding time is not given)',
  forward_time: 'the time it is forwarded, HH:MM (the send time when the forwarding time is not given)',
  text: 'caption templates only: the original caption, its styling kept',
} as const;
export type TemplatePlaceholder = keyof typeof TEMPLATE_PLACEHOLDERS;

export type TemplatePart = { literal: string } | { placeholder: TemplatePlaceholder };

/** What the template sees besides the message. */
export interface TemplateContext {
  sourceChatName?: string;
  /** ms since epoch of the forwarding. */
  now?: number;
}

const PLACEHOLDER = /^\{([^{}\s]{0,40})\}/;

function isPlaceholder(name: string): name is TemplatePlaceholder {
  return Object.hasOwn(TEMPLATE_PLACEHOLDERS, name);
}

/** Splits `template` into parts, or says what is wrong with it. `{text}` is refused unless `allowText`. */
export function parseTemplate(template: string, allowText: boolean): { parts: TemplatePart[] } | { problem: string } {
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = 0; i < template.length; ) {
    const rest = template.slice(i);
    if (rest.startsWith('{{') || rest.startsWith('}}')) {
      literal += rest[0];
      i += 2;
      continue;
    }
    if (rest[0] !== '{') {
      literal += rest[0];
      i += 1;
      continue;
    }
    const m = PLACEHOLDER.exec(rest);
    if (m === null) return { problem: `"{" at position ${i} starts no placeholder; write "{{" for a literal brace` };
    const name = m[1] ?? '';
    if (!isPlaceholder(name)) {
      return { problem: `unknown placeholder {${name}} at position ${i}; known: ${Object.keys(TEMPLATE_PLACEHOLDERS).map((k) => `{${k}}`).join(' ')}` };
    }
    if (name === 'text' && !allowText) return { problem: `{text} at position ${i} is only available in caption templates` };
    if (literal !== '') parts.push({ literal });
    literal = '';
    parts.push({ placeholder: name });
    i += m[0].length;
  }
  if (literal !== '') parts.push({ literal });
  return { parts };
}

const pad = (n: number) => String(n).padStart(2, '0');
const utcDate = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};
const utcTime = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
};

/** The value of every placeholder but `{text}`, which the caller places itself to keep its styling. */
export function templateValues(message: NeutralMessage, context: TemplateContext): Record<Exclude<TemplatePlaceholder, 'text'>, string> {
  const forwardedAt = context.now ?? message.at;
  return {
    author: message.author.name,
    author_id: message.author.id,
    chat: context.sourceChatName ?? message.chatId,
    chat_id: message.chatId,
    platform: message.platform,
    date: utcDate(message.at),
    time: utcTime(message.at),
    forward_date: utcDate(forwardedAt),
    forward_time: utcTime(forwardedAt),
  };
}

/**
 * Renders `parts` as the text before the first `{text}` and the text after it
 * (later `{text}`s render as `plainText`, unstyled). `hasText` says whether
 * there was a `{text}` at all.
 */
export function renderTemplate(
  parts: readonly TemplatePart[],
  values: Record<Exclude<TemplatePlaceholder, 'text'>, string>,
  plainText = '',
): { before: string; hasText: boolean; after: string } {
  let before = '';
  let after = '';
  let hasText = false;
  for (const part of parts) {
    let piece: string;
    if ('literal' in part) piece = part.literal;
    else if (part.placeholder !== 'text') piece = values[part.placeholder];
    else if (!hasText) {
      hasText = true;
      continue;
    } else piece = plainText;
    if (hasText) after += piece;
    else before += piece;
  }
  return { before, hasText, after };
}
