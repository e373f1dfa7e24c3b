/**
 * Half-open `[start, end)` ranges and the few set operations normalisation
 * needs. Kept apart so the rules in `normalize-rich-text.ts` read as rules.
 */

export interface Span {
  start: number;
  end: number;
}

/** A span carrying the style it belongs to. */
export interface StyledSpan<S> extends Span {
  style: S;
}

/** Sorted, with overlapping or touching spans joined: one span per run of characters. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Span[] = [];
  for (const span of sorted) {
    const last = out.at(-1);
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else out.push({ start: span.start, end: span.end });
  }
  return out;
}

/** Each span cut at every point of `cuts` strictly inside it. */
export function splitSpansAt(spans: readonly Span[], cuts: readonly number[]): Span[] {
  const points = [...new Set(cuts)].sort((a, b) => a - b);
  const out: Span[] = [];
  for (const { start, end } of spans) {
    let from = start;
    for (const p of points) {
      if (p <= from || p >= end) continue;
      out.push({ start: from, end: p });
      from = p;
    }
    out.push({ start: from, end });
  }
  return out;
}

/** `spans` minus every character covered by `holes`; pieces stay separate where a hole cut them. */
export function subtractSpans(spans: readonly Span[], holes: readonly Span[]): Span[] {
  if (holes.length === 0) return spans.map((s) => ({ ...s }));
  const cut = mergeSpans(holes);
  const out: Span[] = [];
  for (const { start, end } of spans) {
    let from = start;
    for (const h of cut) {
      if (h.end <= from || h.start >= end) continue;
      if (h.start > from) out.push({ start: from, end: h.start });
      from = Math.max(from, h.end);
    }
    if (from < end) out.push({ start: from, end });
  }
  return out;
}

function order<S>(rank: (a: S, b: S) => number) {
  return (a: StyledSpan<S>, b: StyledSpan<S>): number => a.start - b.start || b.end - a.end || rank(a.style, b.style);
}

/**
 * Makes spans laminar (any two nest or are disjoint) by cutting each span that
 * crosses the innermost open one at that one's end; the rest is queued again.
 * Spans of one style must not overlap each other. Returns spans sorted by
 * start, longer first, then by `rank` (outer first), which is also a pre-order
 * walk of the nesting tree.
 */
export function laminate<S>(spans: readonly StyledSpan<S>[], rank: (a: S, b: S) => number): StyledSpan<S>[] {
  const cmp = order(rank);
  const queue = spans.filter((s) => s.end > s.start).map((s) => ({ ...s })).sort(cmp);
  const out: StyledSpan<S>[] = [];
  const stack: StyledSpan<S>[] = [];
  for (let i = 0; i < queue.length; i += 1) {
    let item = queue[i]!;
    while (stack.length > 0 && stack.at(-1)!.end <= item.start) stack.pop();
    const top = stack.at(-1);
    if (top && item.end > top.end) {
      const rest = { ...item, start: top.end };
      let at = i + 1;
      while (at < queue.length && cmp(queue[at]!, rest) <= 0) at += 1;
      queue.splice(at, 0, rest);
      item = { ...item, end: top.end };
    }
    out.push(item);
    stack.push(item);
  }
  return out;
}
