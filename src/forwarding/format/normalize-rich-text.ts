/**
 * The one canonical form of a `RichText`. Every converter normalises what it
 * parses, so "round trip" means "comes back as `normalizeRichText(input)`".
 * The form is what both Discord markdown and Telegram entities can carry:
 *
 * - entities lie inside the text, are non-empty and never split a surrogate
 *   pair; a link has a url, a mention a user id; unknown types are dropped;
 * - styles are per character: overlapping or touching ranges of one style
 *   (same type, same url or language) merge; ranges that cross are split so
 *   that entities nest or are disjoint (the later-starting one is cut at the
 *   end of the earlier);
 * - a quote covers whole lines, never starts or ends on an empty line, and
 *   quotes on consecutive lines are one quote (markdown cannot tell them
 *   apart); nothing else crosses a quote's edge or styles the line break just
 *   outside it (markdown needs those at top level);
 * - a pre block never starts or ends with a line break (Discord drops them);
 *   nothing else styles its characters except an enclosing quote;
 * - code, pre and mentions hold no other entity; a style that would sit inside
 *   or across one loses those characters instead; a mention (an atom: two
 *   touching mentions stay two) never overlaps another mention, pre, code or a
 *   link; two overlapping links to different urls keep the first;
 * - italic never begins or ends with whitespace rendered as such (Discord's
 *   `*` needs a non-space inside each edge; invisible on italic anyway).
 *
 * Entities come out sorted by offset, longer first, then by `ENTITY_RANK`.
 */
import type { EntityType, RichText, TextEntity } from '../message/neutral-message.ts';
import { isWhitespace, snapDown, snapUp } from './text-units.ts';
import { laminate, mergeSpans, splitSpansAt, subtractSpans, type Span, type StyledSpan } from './spans.ts';

/**
 * Nesting order of entities over one range, outermost first. Italic comes
 * first so that cutting a text (splitting) rarely changes which edges of an
 * italic are bare (see the italic rule above).
 */
export const ENTITY_RANK: Readonly<Record<EntityType, number>> = {
  quote: 0, italic: 1, spoiler: 2, link: 3, bold: 4, underline: 5, strike: 6, code: 7, pre: 8, mention: 9,
};

/** Pre languages both platforms accept (Discord's code-block info string). */
export const PRE_LANGUAGE = /^[A-Za-z0-9_+\-.#]+$/;

interface Style {
  type: EntityType;
  key: string;
  rank: number;
  attrs: Pick<TextEntity, 'url' | 'userId' | 'language'>;
  spans: Span[];
}

function cleaned(rt: RichText): (TextEntity & { end: number })[] {
  const { text } = rt;
  const out: (TextEntity & { end: number })[] = [];
  for (const e of rt.entities) {
    if (!Object.hasOwn(ENTITY_RANK, e.type) || !Number.isFinite(e.offset) || !Number.isFinite(e.length)) continue;
    const start = snapDown(text, Math.max(0, Math.trunc(e.offset)));
    const end = snapUp(text, Math.min(text.length, Math.trunc(e.offset) + Math.trunc(e.length)));
    if (end <= start) continue;
    if (e.type === 'link' && (typeof e.url !== 'string' || e.url === '')) continue;
    if (e.type === 'mention' && (typeof e.userId !== 'string' || e.userId === '')) continue;
    const attrs: Pick<TextEntity, 'url' | 'userId' | 'language'> = {};
    if (e.type === 'link') attrs.url = e.url;
    if (e.type === 'mention') attrs.userId = e.userId;
    if (e.type === 'pre' && typeof e.language === 'string' && PRE_LANGUAGE.test(e.language)) attrs.language = e.language;
    out.push({ type: e.type, offset: start, length: end - start, end, ...attrs });
  }
  return out.sort((a, b) => a.offset - b.offset || b.end - a.end);
}

function snapQuote(text: string, s: number, e: number): Span {
  let start = s === 0 ? 0 : text.lastIndexOf('\n', s - 1) + 1;
  const nl = text.indexOf('\n', e - 1);
  let end = nl === -1 ? text.length : nl;
  while (start < end && text[start] === '\n') start += 1;
  while (end > start && text[end - 1] === '\n') end -= 1;
  return { start, end };
}

const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;
const contains = (outer: Span, inner: Span): boolean => outer.start <= inner.start && inner.end <= outer.end;

/** Collects styles: per-character union for ordinary styles, one style per kept mention. */
function collect(rt: RichText): Map<string, Style> {
  const styles = new Map<string, Style>();
  const keptMentions: Span[] = [];
  const keptLinks: { span: Span; url: string }[] = [];
  for (const e of cleaned(rt)) {
    let span: Span = { start: e.offset, end: e.end };
    let key: string = e.type;
    if (e.type === 'mention') {
      if (keptMentions.some((m) => overlaps(m, span))) continue;
      keptMentions.push(span);
      key = `mention\u0000${span.start}`;
    } else if (e.type === 'link') {
      if (keptLinks.some((l) => l.url !== e.url && overlaps(l.span, span))) continue;
      keptLinks.push({ span, url: e.url! });
      key = `link\u0000${e.url}`;
    } else if (e.type === 'pre') {
      key = `pre\u0000${e.language ?? ''}`;
    } else if (e.type === 'quote') {
      span = snapQuote(rt.text, span.start, span.end);
      if (span.end <= span.start) continue;
    }
    const { type, offset: _o, length: _l, end: _e, ...attrs } = e;
    let style = styles.get(key);
    if (!style) styles.set(key, (style = { type, key, rank: ENTITY_RANK[type], attrs, spans: [] }));
    style.spans.push(span);
  }
  for (const style of styles.values()) if (style.type !== 'mention') style.spans = mergeSpans(style.spans);
  return styles;
}

/** Quotes on consecutive lines become one, then everything else stays out of quote edges. */
function applyQuotes(text: string, styles: Map<string, Style>): void {
  const quote = styles.get('quote');
  if (!quote) return;
  const merged: Span[] = [];
  for (const span of quote.spans) {
    const last = merged.at(-1);
    if (last && span.start === last.end + 1 && text[last.end] === '\n') last.end = span.end;
    else merged.push({ ...span });
  }
  quote.spans = merged;
  const cuts = merged.flatMap((q) => [q.start, q.end]);
  const strip: Span[] = [];
  for (const q of merged) {
    if (q.start > 0 && text[q.start - 1] === '\n') strip.push({ start: q.start - 1, end: q.start });
    if (q.end < text.length && text[q.end] === '\n') strip.push({ start: q.end, end: q.end + 1 });
  }
  for (const style of styles.values()) {
    if (style === quote) continue;
    const spans = subtractSpans(splitSpansAt(style.spans, cuts), strip);
    if (style.type === 'mention' && (spans.length !== 1 || spans[0]!.start !== style.spans[0]!.start
      || spans[0]!.end !== style.spans[0]!.end)) style.spans = [];
    else style.spans = spans;
  }
}

function trimNewlines(text: string, spans: Span[]): Span[] {
  const out: Span[] = [];
  for (const { start: s, end: e } of spans) {
    let start = s;
    let end = e;
    while (start < end && text[start] === '\n') start += 1;
    while (end > start && text[end - 1] === '\n') end -= 1;
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** Pre, code and mentions are leaves: nothing inside them, and pre nothing around it but a quote. */
function applyLeaves(text: string, styles: Map<string, Style>): void {
  const all = [...styles.values()];
  const pres = all.filter((s) => s.type === 'pre').sort((a, b) => (a.spans[0]?.start ?? 0) - (b.spans[0]?.start ?? 0));
  let preTaken: Span[] = [];
  for (const pre of pres) {
    pre.spans = trimNewlines(text, subtractSpans(pre.spans, preTaken));
    preTaken = mergeSpans([...preTaken, ...pre.spans]);
  }
  const code = styles.get('code')?.spans ?? [];
  const mentions = all.filter((s) => s.type === 'mention' && s.spans.length > 0);
  for (const m of mentions) {
    const span = m.spans[0]!;
    if (preTaken.some((p) => overlaps(p, span)) || code.some((c) => overlaps(c, span))) m.spans = [];
  }
  const atoms = mentions.filter((m) => m.spans.length > 0).map((m) => m.spans[0]!);
  for (const style of all) {
    if (style.type === 'quote' || style.type === 'pre' || style.type === 'mention') continue;
    let spans = subtractSpans(style.spans, preTaken);
    if (style.type !== 'code') {
      const holes = [...code, ...atoms].filter((leaf) => spans.some((s) => overlaps(s, leaf)
        && (style.type === 'link' && atoms.includes(leaf) ? true : !contains(s, leaf))));
      spans = subtractSpans(spans, holes);
    }
    style.spans = spans;
  }
}

/** Whitespace at an italic's edges that would be rendered bare (no nested entity opens or closes there). */
function bareItalicEdges(text: string, items: StyledSpan<Style>[]): Span[] {
  const holes: Span[] = [];
  items.forEach((it, i) => {
    if (it.style.type !== 'italic') return;
    const inner = [];
    for (let j = i + 1; j < items.length && items[j]!.start < it.end; j += 1) inner.push(items[j]!);
    let p = it.start;
    while (p < it.end && isWhitespace(text[p]) && !inner.some((c) => c.start === p)) p += 1;
    let q = it.end;
    while (q > p && isWhitespace(text[q - 1]) && !inner.some((c) => c.end === q)) q -= 1;
    if (p > it.start) holes.push({ start: it.start, end: p });
    if (q < it.end) holes.push({ start: q, end: it.end });
  });
  return holes;
}

/** The canonical form described above. Pure; never throws on odd entities, it drops them. */
export function normalizeRichText(rt: RichText): RichText {
  const { text } = rt;
  const styles = collect(rt);
  applyQuotes(text, styles);
  applyLeaves(text, styles);
  const italic = styles.get('italic');
  for (;;) {
    const spans = [...styles.values()].flatMap((style) => style.spans.map((s) => ({ ...s, style })));
    const items = laminate(spans, (a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const holes = italic ? bareItalicEdges(text, items) : [];
    if (holes.length > 0 && italic) {
      italic.spans = subtractSpans(italic.spans, holes);
      continue;
    }
    return {
      text,
      entities: items.map(({ start, end, style }) => ({ type: style.type, offset: start, length: end - start, ...style.attrs })),
    };
  }
}
