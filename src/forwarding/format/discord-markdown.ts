/**
 * Discord message content to and from the neutral model, and splitting into
 * messages that fit. The grammar lives in `discord-syntax.ts`, the parser in
 * `discord-parse.ts`, the writer in `discord-render.ts`; this is the surface
 * the adapters use.
 */
import type { RichText } from '../message/neutral-message.ts';
import { discordCanonical } from './discord-canonical.ts';
import { renderDiscordMarkdown } from './discord-render.ts';
import { DISCORD_MESSAGE_MAX_LENGTH } from './limits.ts';
import { splitRichText } from './split-rich-text.ts';

export { fromDiscordMarkdown, type DiscordParseOptions } from './discord-parse.ts';
export { discordCanonical } from './discord-canonical.ts';

/**
 * Discord markdown for `rt`, escaped so user text is never read as markup:
 * `fromDiscordMarkdown` gives back `discordCanonical(rt)`. Mentions become
 * `<@id>` (their text is not kept: Discord shows the member's name), bare
 * URLs stay raw and clickable where safe, `@everyone`/`@here` get a
 * zero-width space so they never ping. The text itself changes only where
 * Discord leaves no choice: a zero-width space inside code or a code block
 * that holds ``` (or a run of backticks no inline fence can hold),
 * `@everyone`/`@here`, or `](` while the message has links; and a link whose
 * label has unpaired square brackets is written `label (<url>)`.
 */
export function toDiscordMarkdown(rt: RichText): string {
  return renderDiscordMarkdown(discordCanonical(rt));
}

/**
 * `toDiscordMarkdown` split into messages of at most `limit` UTF-16 units,
 * markup included, each valid markdown on its own (styles re-opened). Cuts as
 * `splitRichText` does. An empty text gives no messages.
 */
export function toDiscordMessages(rt: RichText, limit: number = DISCORD_MESSAGE_MAX_LENGTH): string[] {
  return splitRichText(discordCanonical(rt), (part) => toDiscordMarkdown(part).length, limit).map(toDiscordMarkdown);
}
