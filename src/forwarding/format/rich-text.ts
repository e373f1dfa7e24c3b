/**
 * Everyday operations on `RichText` that keep entities true to the text:
 * slicing, joining, dropping a kind of entity. All return the normalised form
 * (see `normalize-rich-text.ts`), so results compare with `deepEqual`.
 */
import type { EntityType, RichText } from '../message/neutral-message.ts';
import { normalizeRichText } from './normalize-rich-text.ts';
import { snapDown, snapUp } from './text-units.ts';

export { ENTITY_RANK, normalizeRichText } from './normalize-rich-text.ts';

/**
 * `text.slice(start, end)` with every entity clipped to it and shifted, as
 * `String.prototype.slice` clamps (negative counts from the end). Ends that
 * fall inside a surrogate pair widen to keep the character whole.
 */
export function sliceRichText(rt: RichText, start: number, end: number = rt.text.length): RichText {
  const n = rt.text.length;
  const clamp = (i: number): number => Math.min(n, Math.max(0, i < 0 ? n + i : i));
  const a = snapDown(rt.text, clamp(start));
  const b = Math.max(a, snapUp(rt.text, clamp(end)));
  const entities = [];
  for (const e of rt.entities) {
    const s = Math.max(a, e.offset);
    const t = Math.min(b, e.offset + e.length);
    if (t > s) entities.push({ ...e, offset: s - a, length: t - s });
  }
  return normalizeRichText({ text: rt.text.slice(a, b), entities });
}

/** The parts one after another; styles that touch across a joint merge. */
export function concatRichText(...parts: readonly RichText[]): RichText {
  let text = '';
  const entities = [];
  for (const part of parts) {
    for (const e of part.entities) entities.push({ ...e, offset: e.offset + text.length });
    text += part.text;
  }
  return normalizeRichText({ text, entities });
}

/**
 * The same text without entities of the given types. The forwarding engine
 * uses it to turn mentions of the other platform's users into plain names
 * before rendering (a Telegram user id means nothing on Discord).
 */
export function withoutEntityTypes(rt: RichText, types: readonly EntityType[]): RichText {
  return normalizeRichText({ text: rt.text, entities: rt.entities.filter((e) => !types.includes(e.type)) });
}

/** Every offset where an entity starts or ends, ascending, without 0 and `text.length`. */
export function entityBoundaries(rt: RichText): number[] {
  const points = new Set<number>();
  for (const e of rt.entities) {
    points.add(e.offset);
    points.add(e.offset + e.length);
  }
  points.delete(0);
  points.delete(rt.text.length);
  return [...points].sort((a, b) => a - b);
}

/** True when every entity lies inside the text and any two nest or are disjoint. */
export function isWellFormed(rt: RichText): boolean {
  const spans = rt.entities.map((e) => ({ start: e.offset, end: e.offset + e.length }));
  for (const s of spans) if (s.start < 0 || s.end > rt.text.length || s.end <= s.start) return false;
  for (let i = 0; i < spans.length; i += 1) {
    for (let j = i + 1; j < spans.length; j += 1) {
      const a = spans[i]!;
      const b = spans[j]!;
      const crosses = (a.start < b.start && b.start < a.end && a.end < b.end) || (b.start < a.start && a.start < b.end && b.end < a.end);
      if (crosses) return false;
    }
  }
  return true;
}
