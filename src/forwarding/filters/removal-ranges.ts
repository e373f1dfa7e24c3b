/**
 * What link removal and mention stripping cut out of a text, and how much
 * whitespace goes with it. Cutting "@ann" out of "hi @ann, ok" should leave
 * "hi, ok", not "hi , ok"; a line that held only a link should vanish, not
 * leave an empty line. Only whitespace next to a cut is touched, so
 * indentation and spacing elsewhere (code blocks) survive.
 */
import type { RichText } from '../message/neutral-message.ts';
import type { TextRange } from './rich-text-edit.ts';

interface Span {
  start: number;
  end: number;
}

// Schemes and the two bare hosts people paste without one; plain "example.com" is left alone (too ambiguous).
const URL_PATTERN = /(?:\b(?:https?|ftp|tg):\/\/|\bwww\.|\bt\.me\/|\bdiscord\.gg\/)[^\s<>]+/giu;
// Not after a word character, `@` or `.`, so e-mail addresses are not mentions.
const MENTION_PATTERN = /(?<![\p{L}\p{N}_@.])@[\p{L}\p{N}_](?:[\p{L}\p{N}_.]*[\p{L}\p{N}_])?/gu;
const TRAILING_PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?', "'", '"']);
const CLOSERS: Readonly<Record<string, string>> = { ')': '(', ']': '[', '}': '{' };

const count = (text: string, c: string) => text.split(c).length - 1;

/** A matched URL minus the sentence punctuation after it; a closing bracket stays when the URL opened one. */
function trimUrl(url: string): string {
  let end = url.length;
  for (;;) {
    const last = url[end - 1] ?? '';
    const opener = CLOSERS[last];
    const body = url.slice(0, end);
    if (TRAILING_PUNCTUATION.has(last) || (opener !== undefined && count(body, opener) < count(body, last))) end--;
    else return body;
  }
}

/** Bare URLs in `text`, with the `<` `>` Discord wraps around links it should not embed. */
export function urlSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(URL_PATTERN)) {
    let start = m.index;
    let end = start + trimUrl(m[0]).length;
    if (text[start - 1] === '<' && text[end] === '>') {
      start--;
      end++;
    }
    spans.push({ start, end });
  }
  return spans;
}

/** Mention entities and bare `@name`s (including `@everyone`, `@here`). */
export function mentionSpans(rt: RichText): Span[] {
  const spans: Span[] = rt.entities
    .filter((e) => e.type === 'mention')
    .map((e) => ({ start: e.offset, end: e.offset + e.length }));
  for (const m of rt.text.matchAll(MENTION_PATTERN)) spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
const isSpace = (c: string | undefined) => c !== undefined && /\s/u.test(c);
const isClosingPunctuation = (c: string | undefined) => c !== undefined && /[,.;:!?)\]}\u2026\u00bb\u201d\u2019]/u.test(c);

/** Sorted union of `spans`; spans separated by nothing but blanks join up, so "@a @b" is one cut. */
function unite(text: string, spans: readonly Span[], joinAcrossBlanks: boolean): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out.at(-1);
    const gap = last === undefined ? '' : text.slice(last.end, span.start);
    if (last !== undefined && (span.start <= last.end || (joinAcrossBlanks && /^[ \t]*$/.test(gap)))) {
      last.end = Math.max(last.end, span.end);
    } else out.push({ ...span });
  }
  return out;
}

/** `span` grown by the whitespace that would be left dangling once it is cut. */
function widen(text: string, span: Span): Span {
  let { start, end } = span;
  const lineStart = start === 0 || text[start - 1] === '\n';
  const lineEnd = end === text.length || text[end] === '\n';
  if (lineStart && lineEnd) {
    if (end < text.length) end++;
    else if (start > 0) start--;
  } else if (lineStart) {
    while (isBlank(text[end])) end++;
  } else if (isBlank(text[start - 1]) && (lineEnd || isSpace(text[end]) || isClosingPunctuation(text[end]))) {
    while (isBlank(text[start - 1])) start--;
  }
  return { start, end };
}

/** Ranges deleting `spans` from `text` with their dangling whitespace; non-overlapping, for `replaceRanges`. */
export function removalRanges(text: string, spans: readonly Span[]): TextRange[] {
  const widened = unite(text, spans, true).map((span) => widen(text, span));
  return unite(text, widened, false).map(({ start, end }) => ({ start, end, replacement: '' }));
}
