/**
 * How user text and raw content are written into Discord markdown so that
 * Discord reads back exactly the text: plain text is escaped, bare URLs are
 * left raw where that is safe (so they stay clickable), code is fenced with
 * backticks it cannot close, and mass mentions never ping.
 */
import type { RichText } from '../message/neutral-message.ts';
import { BARE_URL_GLOBAL, INLINE_CODE, ZWSP, inlineCodeContent } from './discord-syntax.ts';
import { isWhitespace } from './text-units.ts';

/**
 * Characters escaped wherever they appear in plain text. `)` is not: nothing
 * opens with it once `(` and `[` are escaped, and a backslash right after a
 * bare URL would become part of the URL.
 */
const ALWAYS_ESCAPED = new Set(['\\', '*', '_', '~', '`', '|', '[', ']', '<', '(']);
const MASS_MENTION = /^@(everyone|here)/;

function lineStartBefore(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && text[j] === ' ') j -= 1;
  return j < 0 || text[j] === '\n';
}

/** Markup that only counts at a line start: quotes, headings, subtext, lists. */
function escapedAtLineStart(text: string, i: number): boolean {
  const c = text[i];
  if (c === '>' || c === '#') return lineStartBefore(text, i);
  if (c === '-') return (text[i + 1] === ' ' || text[i + 1] === '#') && lineStartBefore(text, i);
  if (c === '.' && text[i + 1] === ' ') {
    let j = i - 1;
    while (j >= 0 && /\d/.test(text[j]!)) j -= 1;
    return j < i - 1 && lineStartBefore(text, j + 1);
  }
  return false;
}

/**
 * `text.slice(a, b)` as plain markdown. Line starts are judged on the whole
 * text, which is also how the rendered lines fall. URLs starting in
 * `rawUrls` (start to end) are written unescaped; any other `http://` loses
 * its autolink (`http\://`) so escapes inside it cannot corrupt a link.
 */
export function escapePlain(text: string, a: number, b: number, rawUrls: ReadonlyMap<number, number>): string {
  let out = '';
  let i = a;
  while (i < b) {
    const rawEnd = rawUrls.get(i);
    if (rawEnd !== undefined && rawEnd <= b) {
      out += text.slice(i, rawEnd);
      i = rawEnd;
      continue;
    }
    const c = text[i]!;
    if (ALWAYS_ESCAPED.has(c) || escapedAtLineStart(text, i)) out += `\\${c}`;
    else if (c === ZWSP) out += `\\${ZWSP}`;
    else if (c === '@' && MASS_MENTION.test(text.slice(i, i + 9))) out += `@${ZWSP}`;
    else if (c === ':' && text.startsWith('//', i + 1) && /https?$/i.test(text.slice(Math.max(0, i - 5), i))) out += '\\:';
    else out += c;
    i += 1;
  }
  return out;
}

/**
 * Bare URLs of `rt` (canonical) that can be written raw: start offset to end.
 * Raw is safe when the URL holds nothing an enclosing delimiter could close
 * on, no entity opens inside it or right after it up to the next whitespace,
 * and what follows it there is written unescaped (Discord's URL pattern would
 * swallow a backslash).
 */
export function findRawUrls(rt: RichText): Map<number, number> {
  const { text } = rt;
  const starts = new Set(rt.entities.map((e) => e.offset));
  const ends = new Set(rt.entities.map((e) => e.offset + e.length));
  const raw = new Map<number, number>();
  for (const m of text.matchAll(BARE_URL_GLOBAL)) {
    const url = m[0];
    const s = m.index;
    const e = s + url.length;
    if (/[*\\[\]]|~~|\|\||__|@everyone|@here/.test(url) || /[|~_]$/.test(url)) continue;
    let tailEnd = e;
    while (tailEnd < text.length && !isWhitespace(text[tailEnd]) && text[tailEnd] !== '<') tailEnd += 1;
    if (text.slice(e, tailEnd).includes(']') || text[tailEnd] === '<') continue;
    let clean = true;
    for (let p = s + 1; p <= tailEnd && clean; p += 1) if (starts.has(p) || (p < e && ends.has(p))) clean = false;
    if (clean) raw.set(s, e);
  }
  return raw;
}

/** `@everyone` and `@here` with a zero-width space after the `@`, so they never ping. */
export function neutraliseMassMentions(s: string): string {
  return s.replace(/@(?=everyone|here)/g, `@${ZWSP}`);
}

/** Breaks `seq` (two or more characters) wherever it occurs, with a zero-width space after its first character. */
function breakAll(s: string, seq: string): string {
  let out = s;
  while (out.includes(seq)) out = out.replaceAll(seq, `${seq[0]}${ZWSP}${seq.slice(1)}`);
  return out;
}

/**
 * Raw content of code or a code block, made safe: mass mentions neutralised,
 * and `](` broken when the message has masked links (a link's label could
 * otherwise run on to it). Zero-width spaces are the only change.
 */
function safeRaw(content: string, hasLinks: boolean): string {
  const s = neutraliseMassMentions(content);
  return hasLinks ? breakAll(s, '](') : s;
}

/** Inline code that Discord reads back as exactly `content` (one or two backticks, padded as needed). */
export function renderInlineCode(content: string, hasLinks: boolean): string {
  let code = safeRaw(content, hasLinks);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    for (const fence of ['`', '``']) {
      const body = `${/^ *`/.test(code) ? ' ' : ''}${code}${/` *$/.test(code) ? ' ' : ''}`;
      const md = `${fence}${body}${fence}`;
      const m = INLINE_CODE.exec(`${md} `);
      if (m && m[0].length === md.length && inlineCodeContent(m[2]!) === code) return md;
    }
    // Runs of backticks no fence can hold: break them up (text gains zero-width spaces).
    code = breakAll(code, '``');
  }
  return `\`${code.replaceAll('`', `\`${ZWSP}`)}\``;
}

/** A fenced code block; a ``` inside the code is broken up, the only way Discord allows. */
export function renderCodeBlock(content: string, language: string | undefined, hasLinks: boolean): string {
  return `\`\`\`${language ?? ''}\n${breakAll(safeRaw(content, hasLinks), '```')}\n\`\`\``;
}

function balancedParens(url: string): boolean {
  let depth = 0;
  for (const c of url) {
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    if (depth < 0 || depth > 1) return false;
  }
  return depth === 0;
}

const pct = (c: string): string => encodeURIComponent(c).replace(/[!'()*~]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A masked link's url, percent-encoding what would end or confuse it:
 * whitespace, `\ < > [ ]`, unbalanced or nested parentheses, `*`, doubled
 * `_ ~ |` (an enclosing style could close on them) and the `@` of
 * `@everyone`/`@here`. Equivalent urls for any sane server.
 */
export function encodeLinkUrl(url: string): string {
  let out = url.replace(/[\s\\<>[\]*`]/g, pct).replace(/@(?=everyone|here)/g, '%40');
  out = out.replace(/__|~~|\|\|/g, (x) => `${x[0]}${pct(x[1]!)}`);
  return balancedParens(out) ? out : out.replace(/[()]/g, pct);
}
