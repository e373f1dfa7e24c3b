/**
 * `TelegramEntity` to and from gramjs's `Api.MessageEntity*` instances, at
 * the adapter edge. Apart from `telegram-entities.ts` because importing
 * gramjs is heavy and only the Telegram adapter needs the classes.
 */
import { Api, helpers } from 'telegram';
import type { TelegramEntity } from './telegram-entities.ts';

/** Options of {@link toGramjsEntities}. */
export interface ToGramjsOptions {
  /**
   * The `InputUser` (id and access hash) of a mentioned user, from the
   * client's entity cache. Sending needs `InputMessageEntityMentionName`;
   * with no input user the entity goes out as `MessageEntityMentionName`,
   * which Telegram may refuse for a user it cannot resolve. Default: none.
   */
  inputUser?: (userId: string) => Api.TypeInputUser | undefined;
}

type Range = { offset: number; length: number };

const INTEGER = /^-?\d+$/;

/**
 * gramjs instances for `entities`, in the same order. A mention or custom
 * emoji whose id is not an integer cannot be sent and is left out.
 */
export function toGramjsEntities(entities: readonly TelegramEntity[], options: ToGramjsOptions = {}): Api.TypeMessageEntity[] {
  const sendable = entities.filter((e) => (e.type !== 'mention_name' || INTEGER.test(e.userId ?? ''))
    && (e.type !== 'custom_emoji' || INTEGER.test(e.customEmojiId ?? '')));
  return sendable.map((e): Api.TypeMessageEntity => {
    const r: Range = { offset: e.offset, length: e.length };
    switch (e.type) {
      case 'bold': return new Api.MessageEntityBold(r);
      case 'italic': return new Api.MessageEntityItalic(r);
      case 'underline': return new Api.MessageEntityUnderline(r);
      case 'strikethrough': return new Api.MessageEntityStrike(r);
      case 'code': return new Api.MessageEntityCode(r);
      case 'pre': return new Api.MessageEntityPre({ ...r, language: e.language ?? '' });
      case 'spoiler': return new Api.MessageEntitySpoiler(r);
      case 'text_link': return new Api.MessageEntityTextUrl({ ...r, url: e.url ?? '' });
      case 'mention_name': {
        const input = options.inputUser?.(e.userId ?? '');
        if (input) return new Api.InputMessageEntityMentionName({ ...r, userId: input });
        return new Api.MessageEntityMentionName({ ...r, userId: helpers.returnBigInt(e.userId!) });
      }
      case 'blockquote': return new Api.MessageEntityBlockquote({ ...r, ...(e.collapsed ? { collapsed: true } : {}) });
      case 'url': return new Api.MessageEntityUrl(r);
      case 'mention': return new Api.MessageEntityMention(r);
      case 'hashtag': return new Api.MessageEntityHashtag(r);
      case 'cashtag': return new Api.MessageEntityCashtag(r);
      case 'bot_command': return new Api.MessageEntityBotCommand(r);
      case 'email': return new Api.MessageEntityEmail(r);
      case 'phone': return new Api.MessageEntityPhone(r);
      case 'bank_card': return new Api.MessageEntityBankCard(r);
      case 'custom_emoji': return new Api.MessageEntityCustomEmoji({ ...r, documentId: helpers.returnBigInt(e.customEmojiId!) });
      case 'unknown': return new Api.MessageEntityUnknown(r);
    }
  });
}

/** Plain `TelegramEntity` values for gramjs instances (a received message's `entities`). */
export function fromGramjsEntities(entities: readonly Api.TypeMessageEntity[]): TelegramEntity[] {
  return entities.map((e): TelegramEntity => {
    const r = { offset: e.offset, length: e.length };
    if (e instanceof Api.MessageEntityBold) return { type: 'bold', ...r };
    if (e instanceof Api.MessageEntityItalic) return { type: 'italic', ...r };
    if (e instanceof Api.MessageEntityUnderline) return { type: 'underline', ...r };
    if (e instanceof Api.MessageEntityStrike) return { type: 'strikethrough', ...r };
    if (e instanceof Api.MessageEntityCode) return { type: 'code', ...r };
    if (e instanceof Api.MessageEntityPre) return { type: 'pre', ...r, language: e.language };
    if (e instanceof Api.MessageEntitySpoiler) return { type: 'spoiler', ...r };
    if (e instanceof Api.MessageEntityTextUrl) return { type: 'text_link', ...r, url: e.url };
    if (e instanceof Api.MessageEntityMentionName) return { type: 'mention_name', ...r, userId: e.userId.toString() };
    if (e instanceof Api.InputMessageEntityMentionName) {
      const user = e.userId;
      return user instanceof Api.InputUser ? { type: 'mention_name', ...r, userId: user.userId.toString() } : { type: 'unknown', ...r };
    }
    if (e instanceof Api.MessageEntityBlockquote) return { type: 'blockquote', ...r, ...(e.collapsed ? { collapsed: true } : {}) };
    if (e instanceof Api.MessageEntityUrl) return { type: 'url', ...r };
    if (e instanceof Api.MessageEntityMention) return { type: 'mention', ...r };
    if (e instanceof Api.MessageEntityHashtag) return { type: 'hashtag', ...r };
    if (e instanceof Api.MessageEntityCashtag) return { type: 'cashtag', ...r };
    if (e instanceof Api.MessageEntityBotCommand) return { type: 'bot_command', ...r };
    if (e instanceof Api.MessageEntityEmail) return { type: 'email', ...r };
    if (e instanceof Api.MessageEntityPhone) return { type: 'phone', ...r };
    if (e instanceof Api.MessageEntityBankCard) return { type: 'bank_card', ...r };
    if (e instanceof Api.MessageEntityCustomEmoji) return { type: 'custom_emoji', ...r, customEmojiId: e.documentId.toString() };
    return { type: 'unknown', ...r };
  });
}
