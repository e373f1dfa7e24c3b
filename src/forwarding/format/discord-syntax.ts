/**
 * Discord's markdown grammar as patterns, shared by the parser and by the
 * renderer (which checks its own output against them). Discord's clients
 * parse with simple-markdown and Discord's own rules; these follow that
 * grammar: each rule matches at the start of the remaining source, rules are
 * tried in order, and `*`, `**` and `__` compete by match length.
 */

/** Zero-width space: the separator the renderer puts between markup that would otherwise run together. */
export const ZWSP = '\u200b';

/** `> ` lines (prefix stripped per line) or `>>> ` to the end, at a line start only. */
export const BLOCK_QUOTE = /^(?: *>>> ([\s\S]*))|^( *> [^\n]*(?:\n *> [^\n]*)*\n?)/;
/** ```lang\ncode```: a language only when a newline follows it; newlines around the code are dropped. */
export const CODE_BLOCK = /^```(?:([a-z0-9_+\-.#]+?)\n+)?\n*([^]+?)\n*```/i;
/** A backslash makes any ASCII punctuation (anything but letters, digits, whitespace) literal. */
export const ESCAPE = /^\\([^0-9A-Za-z\s])/;
/** `<https://…>`: a link without an embed. */
export const AUTOLINK = /^<([^: >]+:\/[^ >]+)>/;
/** A bare URL; trailing punctuation stays outside. */
export const BARE_URL = /^https?:\/\/[^\s<]+[^<.,:;"')\]\s]/;
/** The same, to find bare URLs anywhere in plain text. */
export const BARE_URL_GLOBAL = /https?:\/\/[^\s<]+[^<.,:;"')\]\s]/g;
/** `[label](url)`: brackets in the label must pair up; one level of parentheses in the url. */
export const MASKED_LINK = /^\[((?:\[[^\]]*\]|[^[\]]|\](?=[^[]*\]))*)\]\(\s*<?((?:\([^)]*\)|[^\s\\]|\\.)*?)>?(?:\s+['"][\s\S]*?['"])?\s*\)/;
/** `<@id>` or the older `<@!id>`. */
export const USER_MENTION = /^<@!?(\d+)>/;
/** `<:name:id>` or animated `<a:name:id>`. */
export const CUSTOM_EMOJI = /^<a?:(\w+):\d+>/;
/** `_x_` between word boundaries, or `*x*` with no space just inside either `*`. */
export const ITALIC = /^\b_((?:__|\\[\s\S]|[^\\_])+?)_\b|^\*(?=\S)((?:\*\*|\\[\s\S]|\s+(?:\\[\s\S]|[^\s*\\]|\*\*)|[^\s*\\])+?)\*(?!\*)/;
export const BOLD = /^\*\*((?:\\[\s\S]|[^\\])+?)\*\*(?!\*)/;
export const UNDERLINE = /^__((?:\\[\s\S]|[^\\])+?)__(?!_)/;
export const STRIKE = /^~~([\s\S]+?)~~(?!_)/;
export const SPOILER = /^\|\|([\s\S]+?)\|\|/;
/** Any run of backticks, closed by a run of the same length. */
export const INLINE_CODE = /^(`+)([\s\S]*?[^`])\1(?!`)/;
/** One space just inside the backticks is padding when the code starts or ends with a backtick. */
export const INLINE_CODE_PADDING = /^ (?= *`)|(` *) $/g;
/** `# ` to `### ` headings and `-# ` subtext, at a line start only. */
export const HEADING = /^(#{1,3}) +([^\n]+?)(\n|$)/;
export const SUBTEXT = /^-# +([^\n]+?)(\n|$)/;
export const SHRUG = /^¯\\_\(ツ\)_\/¯/;
/** Plain text: up to the next character some other rule may start at. */
export const TEXT = /^[\s\S]+?(?=[^0-9A-Za-z\s\u00c0-\uffff]|\n|\w+:\S|$)/;

/** Backslash-escapes inside a masked link's url. */
export function unescapeUrl(url: string): string {
  return url.replace(/\\([^0-9A-Za-z\s])/g, '$1');
}

/** Code of an inline-code match, without padding. */
export function inlineCodeContent(raw: string): string {
  return raw.replace(INLINE_CODE_PADDING, '$1');
}
