/**
 * A bot reply as neutral rich text (the model forwarding uses), built line by
 * line with bold where it helps, then rendered per platform: Telegram text
 * with entities in messages of at most 4,096 characters, Discord markdown in
 * messages of at most 2,000, by the same converters forwarding uses, so user
 * text inside a reply (a pair's name, an email) can never inject markup.
 * Pure.
 */
import { toDiscordMessages } from '../forwarding/format/discord-markdown.ts';
import { toTelegramMessages, type TelegramText } from '../forwarding/format/telegram-entities.ts';
import type { RichText, TextEntity } from '../forwarding/message/neutral-message.ts';

export class ReplyText {
  #text = '';
  readonly #entities: TextEntity[] = [];

  /** Appends `text` as is. */
  plain(text: string): this {
    this.#text += text;
    return this;
  }

  bold(text: string): this {
    if (text.length > 0) this.#entities.push({ type: 'bold', offset: this.#text.length, length: text.length });
    this.#text += text;
    return this;
  }

  code(text: string): this {
    if (text.length > 0) this.#entities.push({ type: 'code', offset: this.#text.length, length: text.length });
    this.#text += text;
    return this;
  }

  /** Ends the current line. */
  line(): this {
    this.#text += '\n';
    return this;
  }

  build(): RichText {
    return { text: this.#text.replace(/\n+$/, ''), entities: this.#entities.map((e) => ({ ...e })) };
  }
}

export function renderForTelegram(reply: RichText): TelegramText[] {
  return toTelegramMessages(reply);
}

export function renderForDiscord(reply: RichText): string[] {
  return toDiscordMessages(reply);
}
