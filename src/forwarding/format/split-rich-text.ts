/**
 * Splits a `RichText` into parts that each fit a destination limit, measured
 * on the rendered part (markdown with its markup for Discord, plain length
 * for Telegram), so every part is valid on its own: a style cut in two is
 * re-opened in the next part because each part is a slice with its entities.
 *
 * Where it cuts, best first: at a line break, then at other whitespace (both
 * only if the part keeps at least half of what could fit), then the same
 * anywhere, then at an entity boundary in the second half, then at the last
 * grapheme boundary that fits (an unbreakable run longer than the limit).
 * Never inside a surrogate pair, nor inside a mention unless the mention alone
 * is too long.
 *
 * What a cut drops, precisely: at whitespace, the maximal whitespace run
 * around the cut, except that after a line break the next line's indentation
 * is kept (code stays indented); at an entity boundary or a hard cut, nothing;
 * whitespace left at the very end, nothing else following, is dropped too, as is
 * a part that would hold only whitespace.
 * So the original text is w0 + p1 + w1 + p2 + … + pn + wn, the pi the parts'
 * texts (none empty or all whitespace) and each wi all whitespace, usually
 * empty at the ends. An empty or all-whitespace text gives no parts.
 */
import { FormatLimitTooSmallError, InvalidOptionError } from '../../errors/registry.ts';
import { plainText, type RichText } from '../message/neutral-message.ts';
import { entityBoundaries, normalizeRichText, sliceRichText } from './rich-text.ts';
import { graphemeBoundaries, isWhitespace, snapDown, snapUp } from './text-units.ts';

interface Cut {
  /** The part is `[start, end)`. */
  end: number;
  /** Where the next part starts. */
  next: number;
}

/**
 * Largest code-point boundary `E` in `(start, text.length]` whose slice
 * fits, `start` when none does. Gallops from `start + limit` (rendered length
 * is rarely far from text length) so a long text is never measured whole.
 */
function largestFit(text: string, start: number, limit: number, fits: (end: number) => boolean): number {
  let lo = start;
  let hi: number;
  for (let step = limit; ; step *= 2) {
    const probe = Math.min(text.length, snapUp(text, start + step));
    if (!fits(probe)) {
      hi = probe;
      break;
    }
    lo = probe;
    if (probe === text.length) return probe;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    let m = snapDown(text, mid);
    if (m <= lo) m = snapUp(text, mid);
    if (m >= hi) break;
    if (fits(m)) lo = m;
    else hi = m;
  }
  return lo;
}

function candidates(rt: RichText, start: number, maxEnd: number): Cut[] {
  const { text } = rt;
  const half = start + (maxEnd - start) / 2;
  const mentions = rt.entities.filter((e) => e.type === 'mention');
  const insideMention = (p: number): boolean => mentions.some((m) => m.offset < p && p < m.offset + m.length);
  const lines: Cut[] = [];
  const spaces: Cut[] = [];
  let p = maxEnd;
  while (p > start) {
    // Find the whitespace run that contains p or ends just before it.
    if (!isWhitespace(text[p]) && !isWhitespace(text[p - 1])) {
      p -= 1;
      continue;
    }
    let ws = isWhitespace(text[p]) ? p : p - 1;
    while (ws > start && isWhitespace(text[ws - 1])) ws -= 1;
    let we = ws;
    while (we < text.length && isWhitespace(text[we])) we += 1;
    if (ws > start && !insideMention(ws)) {
      const nl = text.lastIndexOf('\n', we - 1);
      if (nl >= ws) lines.push({ end: ws, next: nl + 1 });
      else spaces.push({ end: ws, next: we });
    }
    p = ws - 1;
  }
  const bounds = entityBoundaries(rt)
    .filter((b) => b > start && b <= maxEnd && b >= half && !insideMention(b))
    .reverse()
    .map((b) => ({ end: b, next: b }));
  const graphemes = graphemeBoundaries(text, start, Math.min(text.length, maxEnd + 64)).filter((b) => b <= maxEnd);
  const hard = graphemes.filter((b) => !insideMention(b)).reverse();
  const hardCuts = (hard.length > 0 ? hard : graphemes.reverse()).map((b) => ({ end: b, next: b }));
  if (maxEnd > start && hardCuts.length === 0) hardCuts.push({ end: maxEnd, next: maxEnd });
  const late = (c: Cut): boolean => c.end >= half;
  return [
    ...lines.filter(late), ...spaces.filter(late), ...lines.filter((c) => !late(c)), ...spaces.filter((c) => !late(c)),
    ...bounds, ...hardCuts,
  ];
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InvalidOptionError({ option: 'limit', message: `limit must be a positive integer, got ${String(limit)}` });
  }
}

/**
 * Parts of `rt`, each with `measure(part) <= limit`. `measure` must grow,
 * roughly, with the text; a part it finds too long at the preferred cut is
 * cut shorter. Throws `InvalidOptionError` for a limit that is not a positive
 * integer, and `FormatLimitTooSmallError` when even one character, unstyled,
 * measures over it.
 */
export function splitRichText(rt: RichText, measure: (part: RichText) => number, limit: number): RichText[] {
  checkLimit(limit);
  const src = normalizeRichText(rt);
  const { text } = src;
  const parts: RichText[] = [];
  let start = 0;
  while (start < text.length) {
    const fits = (end: number): boolean => measure(sliceRichText(src, start, end)) <= limit;
    const maxEnd = largestFit(text, start, limit, fits);
    if (maxEnd === text.length) {
      const rest = sliceRichText(src, start);
      if (!/^\s*$/.test(rest.text)) parts.push(rest);
      break;
    }
    const chosen = candidates(src, start, maxEnd).find((c) => c.end === maxEnd || fits(c.end));
    let part: RichText;
    let next: number;
    if (chosen) {
      part = sliceRichText(src, start, chosen.end);
      next = chosen.next;
    } else {
      // Not one character fits with its styles: send the first one unstyled (a grapheme, else a code point).
      const window = Math.min(text.length, start + 64);
      const grapheme = graphemeBoundaries(text, start, window)[0] ?? window;
      const units = [grapheme, snapUp(text, start + 1)].map((end) => ({ end, part: plainText(text.slice(start, end)) }));
      const fit = units.find((u) => measure(u.part) <= limit);
      if (!fit) throw new FormatLimitTooSmallError({ limit, needed: measure(units[1]!.part) });
      part = fit.part;
      next = fit.end;
    }
    // A part of nothing but whitespace (indentation kept after a line break, under a tiny limit) is not worth a message.
    if (!/^\s*$/.test(part.text)) parts.push(part);
    start = next;
    if (/^\s*$/.test(text.slice(start))) break;
  }
  return parts;
}
