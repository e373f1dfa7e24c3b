/**
 * Text edits that keep a `RichText`'s entities true to the text. Every filter
 * that changes text (replace, templates, link and mention removal) goes
 * through `replaceRanges`, so the rules for styled ranges live in one place.
 */
import { InvalidOptionError } from '../../errors/registry.ts';
import type { RichText, TextEntity } from '../message/neutral-message.ts';

/** Replace `text.slice(start, end)` with `replacement`; `start === end` inserts. UTF-16 offsets. */
export interface TextRange {
  start: number;
  end: number;
  replacement: string;
}

/**
 * One edit's effect on one entity `[s, e)`, the edit replacing `[a, b)` with
 * `len` units. The rules, chosen so that text no edit touched keeps exactly
 * the styles it had and ranges that nested still nest:
 * - an edit wholly before the entity shifts it; one wholly after leaves it;
 * - an insertion at either edge lands outside the entity;
 * - an edit inside the entity (or replacing exactly its text) resizes it, so
 *   the replacement inherits the style; replacing its whole text with nothing
 *   removes it;
 * - an edit covering the entity and more removes it;
 * - an edit across one edge clips the entity to the part the edit left.
 */
function editEntity(entity: TextEntity, a: number, b: number, len: number): TextEntity | null {
  const s = entity.offset;
  const e = entity.offset + entity.length;
  const delta = len - (b - a);
  let start: number;
  let end: number;
  if (b <= s) {
    start = s + delta;
    end = e + delta;
  } else if (a >= e) {
    return entity;
  } else if (a >= s && b <= e) {
    if (a === s && b === e && len === 0) return null;
    start = s;
    end = e + delta;
  } else if (a <= s && b >= e) {
    return null;
  } else if (a < s) {
    start = a + len;
    end = e + delta;
  } else {
    start = s;
    end = a;
  }
  if (end <= start) return null;
  return { ...entity, offset: start, length: end - start };
}

function check(rt: RichText, ranges: readonly TextRange[]): TextRange[] {
  const sorted = ranges
    .map((r, i) => ({ r, i }))
    .sort((x, y) => x.r.start - y.r.start || x.r.end - y.r.end || x.i - y.i)
    .map(({ r }) => r);
  let previousEnd = 0;
  for (const r of sorted) {
    if (!Number.isInteger(r.start) || !Number.isInteger(r.end) || r.start < 0 || r.end < r.start || r.end > rt.text.length) {
      throw new InvalidOptionError({ option: 'ranges', message: `range [${r.start}, ${r.end}) is not within a text of length ${rt.text.length}` });
    }
    if (r.start < previousEnd) {
      throw new InvalidOptionError({ option: 'ranges', message: `range [${r.start}, ${r.end}) overlaps the range before it` });
    }
    previousEnd = r.end;
  }
  return sorted;
}

/** Outer entities first, as Telegram lists them. */
function byPosition(x: TextEntity, y: TextEntity): number {
  return x.offset - y.offset || y.length - x.length;
}

/**
 * Applies non-overlapping `ranges` (any order; insertions at one point keep
 * their given order) to `rt` and moves, resizes or drops its entities to
 * match (rules on {@link editEntity}). Returns a new RichText; `rt` is left as
 * it was. Throws `InvalidOptionError` for a range outside the text or
 * overlapping another.
 */
export function replaceRanges(rt: RichText, ranges: readonly TextRange[]): RichText {
  if (ranges.length === 0) return rt;
  const sorted = check(rt, ranges);
  let text = rt.text;
  let entities: TextEntity[] = rt.entities.slice();
  // Last to first, so each range's offsets are still those of the original text.
  for (let i = sorted.length - 1; i >= 0; i--) {
    const { start, end, replacement } = sorted[i] as TextRange;
    text = text.slice(0, start) + replacement + text.slice(end);
    const next: TextEntity[] = [];
    for (const entity of entities) {
      const edited = editEntity(entity, start, end, replacement.length);
      if (edited !== null) next.push(edited);
    }
    entities = next;
  }
  return { text, entities: entities.sort(byPosition) };
}

/** `rt` without the entities `drop` picks; the text stays. */
export function dropEntities(rt: RichText, drop: (entity: TextEntity) => boolean): RichText {
  const kept = rt.entities.filter((entity) => !drop(entity));
  return kept.length === rt.entities.length ? rt : { text: rt.text, entities: kept };
}
