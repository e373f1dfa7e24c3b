/**
 * `RichText` to and from Telegram message entities. Telegram keeps styles out
 * of band as UTF-16 ranges, like the neutral model, so conversion is a type
 * mapping and nothing needs escaping. `TelegramEntity` is a plain,
 * structured-cloneable mirror of gramjs's `Api.MessageEntity*` classes (see
 * `gramjs-entities.ts` for the conversion to real instances).
 */
import type { RichText, TextEntity } from '../message/neutral-message.ts';
import { TELEGRAM_MESSAGE_MAX_LENGTH } from './limits.ts';
import { normalizeRichText } from './normalize-rich-text.ts';
import { splitRichText } from './split-rich-text.ts';

/** Entity types, named as the Bot API names them; the gramjs class each mirrors is noted. */
export type TelegramEntityType =
  | 'bold' // MessageEntityBold
  | 'italic' // MessageEntityItalic
  | 'underline' // MessageEntityUnderline
  | 'strikethrough' // MessageEntityStrike
  | 'code' // MessageEntityCode
  | 'pre' // MessageEntityPre (language)
  | 'spoiler' // MessageEntitySpoiler
  | 'text_link' // MessageEntityTextUrl (url)
  | 'mention_name' // MessageEntityMentionName, InputMessageEntityMentionName (userId)
  | 'blockquote' // MessageEntityBlockquote (collapsed)
  | 'url' // MessageEntityUrl: a bare URL Telegram detected
  | 'mention' // MessageEntityMention: an @username Telegram detected
  | 'hashtag' // MessageEntityHashtag
  | 'cashtag' // MessageEntityCashtag
  | 'bot_command' // MessageEntityBotCommand
  | 'email' // MessageEntityEmail
  | 'phone' // MessageEntityPhone
  | 'bank_card' // MessageEntityBankCard
  | 'custom_emoji' // MessageEntityCustomEmoji (customEmojiId)
  | 'unknown'; // MessageEntityUnknown

export interface TelegramEntity {
  type: TelegramEntityType;
  /** UTF-16 code units, as Telegram counts. */
  offset: number;
  length: number;
  /** `text_link` target. */
  url?: string;
  /** `mention_name` user id (a 64-bit integer, as a decimal string). */
  userId?: string;
  /** `pre` language; may be empty. */
  language?: string;
  /** `custom_emoji` document id, decimal. */
  customEmojiId?: string;
  /** `blockquote` shown folded. */
  collapsed?: boolean;
}

/** Plain text plus entities, ready for `messages.sendMessage` / `sendMedia` (via `toGramjsEntities`). */
export interface TelegramText {
  text: string;
  entities: TelegramEntity[];
}

const TO_NEUTRAL: Partial<Record<TelegramEntityType, TextEntity['type']>> = {
  bold: 'bold', italic: 'italic', underline: 'underline', strikethrough: 'strike', code: 'code', pre: 'pre',
  spoiler: 'spoiler', text_link: 'link', mention_name: 'mention', blockquote: 'quote',
};

const TO_TELEGRAM: Record<TextEntity['type'], TelegramEntityType> = {
  bold: 'bold', italic: 'italic', underline: 'underline', strike: 'strikethrough', code: 'code', pre: 'pre',
  spoiler: 'spoiler', link: 'text_link', mention: 'mention_name', quote: 'blockquote',
};

/** `tg://user?id=123`: how the Bot API and HTML/markdown parse modes write a mention of a user without a username. */
const USER_LINK = /^tg:\/\/user\?id=(\d+)$/i;

/**
 * Telegram text and entities to the neutral model (normalised). Entities
 * Telegram derives from the text itself (bare urls, @usernames, hashtags,
 * commands, emails, phones, custom emoji) carry nothing the text lacks and
 * become plain text; a `tg://user?id=` link becomes a mention.
 */
export function fromTelegram(text: string, entities: readonly TelegramEntity[]): RichText {
  const out: TextEntity[] = [];
  for (const e of entities) {
    const type = TO_NEUTRAL[e.type];
    if (type === undefined) continue;
    const base = { offset: e.offset, length: e.length };
    const userLink = type === 'link' ? USER_LINK.exec(e.url ?? '') : null;
    if (userLink) out.push({ type: 'mention', ...base, userId: userLink[1]! });
    else if (type === 'link') out.push({ type, ...base, url: e.url ?? '' });
    else if (type === 'mention') out.push({ type, ...base, userId: e.userId ?? '' });
    else if (type === 'pre') out.push({ type, ...base, ...(e.language ? { language: e.language } : {}) });
    else out.push({ type, ...base });
  }
  return normalizeRichText({ text, entities: out });
}

/**
 * The neutral model as Telegram text and entities (normalised first, sorted
 * by offset). A mention whose user id is not a Telegram id (not an integer:
 * another platform's user) stays plain text.
 */
export function toTelegram(rt: RichText): TelegramText {
  const n = normalizeRichText(rt);
  const entities = n.entities.filter((e) => e.type !== 'mention' || /^\d+$/.test(e.userId ?? '')).map((e): TelegramEntity => {
    const t: TelegramEntity = { type: TO_TELEGRAM[e.type], offset: e.offset, length: e.length };
    if (e.url !== undefined) t.url = e.url;
    if (e.userId !== undefined) t.userId = e.userId;
    if (e.language !== undefined) t.language = e.language;
    return t;
  });
  return { text: n.text, entities };
}

/**
 * `toTelegram` split into messages of at most `limit` UTF-16 units of text
 * (entities do not count). Cuts as `splitRichText` does; pass
 * `TELEGRAM_CAPTION_MAX_LENGTH` for a media caption. An empty text gives no
 * messages.
 */
export function toTelegramMessages(rt: RichText, limit: number = TELEGRAM_MESSAGE_MAX_LENGTH): TelegramText[] {
  return splitRichText(rt, (part) => part.text.length, limit).map(toTelegram);
}
