/**
 * Where a UTF-16 string may be cut. Offsets everywhere in the format code are
 * UTF-16 code units, so a careless cut can leave half a surrogate pair (an
 * emoji outside the BMP) on each side; these helpers keep cuts whole.
 */

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** True unless `index` falls between the two halves of a surrogate pair. */
export function isCodePointBoundary(text: string, index: number): boolean {
  if (index <= 0 || index >= text.length) return true;
  return !(isHigh(text.charCodeAt(index - 1)) && isLow(text.charCodeAt(index)));
}

/** `index`, moved one unit left when it splits a surrogate pair. */
export function snapDown(text: string, index: number): number {
  return isCodePointBoundary(text, index) ? index : index - 1;
}

/** `index`, moved one unit right when it splits a surrogate pair. */
export function snapUp(text: string, index: number): number {
  return isCodePointBoundary(text, index) ? index : index + 1;
}

/** Whitespace as JavaScript's `\s` sees it; what a split may drop at a cut. */
export function isWhitespace(char: string | undefined): boolean {
  return char !== undefined && /\s/.test(char);
}

let segmenter: Intl.Segmenter | undefined;

/**
 * Grapheme-cluster boundaries strictly inside `(from, to)`, ascending, so a
 * hard cut keeps an emoji with its modifiers (ZWJ sequences, flags, skin
 * tones) in one piece. Always code-point boundaries.
 */
export function graphemeBoundaries(text: string, from: number, to: number): number[] {
  segmenter ??= new Intl.Segmenter('und', { granularity: 'grapheme' });
  const out: number[] = [];
  for (const { index } of segmenter.segment(text.slice(from, to))) {
    if (index > 0) out.push(from + index);
  }
  return out;
}
