/**
 * What of a `RichText` Discord markdown can carry with the text unchanged:
 * the normal form, minus
 * - links to anything but http(s) (Discord shows other masked links as raw
 *   markdown) and mentions whose user id is not a snowflake: plain text;
 * - a style around inline code whose content holds that style's delimiter
 *   (`**` for bold, `*` italic, `__` underline, `~~` strike, `||` spoiler, a
 *   bracket for a link label): Discord would close the style inside the code,
 *   so the style skips the code instead.
 * `fromDiscordMarkdown(toDiscordMarkdown(rt))` equals `discordCanonical(rt)`
 * except where the text itself must change (see `toDiscordMarkdown`).
 */
import type { RichText, TextEntity } from '../message/neutral-message.ts';
import { normalizeRichText } from './normalize-rich-text.ts';

const CONFLICT: Partial<Record<TextEntity['type'], RegExp>> = {
  bold: /\*\*/,
  italic: /\*/,
  underline: /__/,
  strike: /~~/,
  spoiler: /\|\|/,
  link: /[[\]]/,
};

const encloses = (a: TextEntity, b: TextEntity): boolean =>
  a.offset <= b.offset && b.offset + b.length <= a.offset + a.length && a !== b;

/** See the module comment. Idempotent; the result is normalised. */
export function discordCanonical(rt: RichText): RichText {
  let cur = normalizeRichText({
    text: rt.text,
    entities: rt.entities.filter((e) => !(e.type === 'link' && !/^https?:\/\//i.test(e.url ?? ''))
      && !(e.type === 'mention' && !/^\d+$/.test(e.userId ?? ''))),
  });
  for (;;) {
    const codes = cur.entities.filter((e) => e.type === 'code');
    let clash: { outer: TextEntity; code: TextEntity } | undefined;
    for (const code of codes) {
      const content = cur.text.slice(code.offset, code.offset + code.length);
      const outer = cur.entities.find((e) => encloses(e, code) && CONFLICT[e.type]?.test(content));
      if (outer) {
        clash = { outer, code };
        break;
      }
    }
    if (!clash) return cur;
    const { outer, code } = clash;
    const entities = cur.entities.filter((e) => e !== outer);
    entities.push({ ...outer, length: code.offset - outer.offset });
    entities.push({ ...outer, offset: code.offset + code.length, length: outer.offset + outer.length - code.offset - code.length });
    cur = normalizeRichText({ text: cur.text, entities });
  }
}
