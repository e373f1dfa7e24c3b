/**
 * fast-check generators for the format tests: user text heavy in markup
 * characters, and rich text with well-formed nested entities built as a tree
 * (so nesting is arbitrary but never crossing), plus raw entity lists that
 * may cross anything.
 */
import fc from 'fast-check';
import type { EntityType, RichText, TextEntity } from '../../../src/forwarding/message/neutral-message.ts';
import { normalizeRichText } from '../../../src/forwarding/format/rich-text.ts';

/** Pieces that stress an escaper: every markup character, line-start markup, mentions, URLs, emoji. */
const TOKENS = [
  'a', 'b', 'Z', 'x1', 'é', 'ツ', ' ', ' ', '  ', '\n', '\n\n', '\t', '*', '**', '***', '_', '__', '~', '~~', '`', '``',
  '```', '|', '||', '>', '> ', '>>> ', '[', ']', '(', ')', '](', '\\', '<', '<@123>', '<@!9>', '<#5>', '<:e:12>', '<t:1>',
  '@', '@everyone', '@here', '#', '# ', '## ', '-# ', '- ', '1. ', '.', ',', ':', '/', 'http://', 'https://x.y/a_b',
  'http://a.b/(c)', 'https://q.r/x?y=1.', '😀', '👍🏽', '👨‍👩‍👧', '\u200b', '¯\\_(ツ)_/¯', 'word', 'snake_case',
];

/** User text: markup-heavy tokens mixed with arbitrary Unicode (lone surrogates included). */
export const userText = (maxLength = 24): fc.Arbitrary<string> =>
  fc.array(fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...TOKENS) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 3 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 2 }) },
  ), { maxLength }).map((parts) => parts.join(''));

/** Text for leaves (code, pre, link labels) from a limited alphabet, so tests choose what conflicts. */
const fromAlphabet = (alphabet: string, maxLength: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength }).map((cs) => cs.join(''));

export const NAMES: Readonly<Record<string, string>> = { '123': 'alice', '4567': 'Bob B', '89012345678901234': 'carol' };
export const resolveUser = (id: string): string | undefined => NAMES[id];

const SAFE_URLS = [
  'https://example.com', 'https://en.wikipedia.org/wiki/Foo_(bar)', 'http://x.y/a?b=c&d=e', 'https://x.y/~user/a-b_c',
];
const ODD_URLS = ['tg://user?id=5', 'mailto:a@b.c'];
const LANGUAGES = ['js', 'c++', 'objective-c', '', 'not a language'];

type Seg = { text: string } | { type: EntityType; attrs: Partial<TextEntity>; children: Seg[] } | { leaf: EntityType; text: string; attrs: Partial<TextEntity> };

export interface TreeOptions {
  /** Code and pre content may hold markup that clashes with enclosing styles (Discord then drops the style on the code). */
  clashes: boolean;
  /** Links to non-http urls and mentions of non-numeric ids (Discord cannot carry them). */
  oddTargets: boolean;
  /** Plain text generator. */
  text: fc.Arbitrary<string>;
}

function segArb(o: TreeOptions): fc.Arbitrary<Seg[]> {
  const codeAlphabet = o.clashes ? 'ab c1*_~|[]`.' : 'ab c1.=+';
  const preAlphabet = o.clashes ? 'ab c\n*_~|[]`>#-' : 'ab c\n\n=;{}*_~|>#-';
  const code = fromAlphabet(codeAlphabet, 6).filter((s) => !s.includes('``'));
  const pre = fromAlphabet(preAlphabet, 12).filter((s) => !s.includes('```') && !s.includes(']('));
  const userIds = o.oddTargets ? [...Object.keys(NAMES), 'u7'] : Object.keys(NAMES);
  const urls = o.oddTargets ? [...SAFE_URLS, ...ODD_URLS] : SAFE_URLS;
  const leaf: fc.Arbitrary<Seg> = fc.oneof(
    { weight: 6, arbitrary: o.text.map((text) => ({ text })) },
    { weight: 1, arbitrary: code.map((text) => ({ leaf: 'code' as const, text, attrs: {} })) },
    {
      weight: 1,
      arbitrary: fc.tuple(pre, fc.constantFrom(...LANGUAGES))
        .map(([text, language]) => ({ leaf: 'pre' as const, text, attrs: { language } })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...userIds)
        .map((userId) => ({ leaf: 'mention' as const, text: `@${NAMES[userId] ?? userId}`, attrs: { userId } })),
    },
  );
  const { tree } = fc.letrec<{ tree: Seg[]; node: Seg }>((tie) => ({
    tree: fc.array(tie('node'), { maxLength: 4 }),
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({
        type: fc.constantFrom<EntityType>('bold', 'italic', 'underline', 'strike', 'spoiler', 'quote', 'link'),
        url: fc.constantFrom(...urls),
        children: tie('tree'),
      }).map(({ type, url, children }) => ({ type, attrs: type === 'link' ? { url } : {}, children })),
    ),
  }));
  return tree;
}

function flatten(segs: readonly Seg[]): RichText {
  let text = '';
  const entities: TextEntity[] = [];
  const walk = (list: readonly Seg[]): void => {
    for (const seg of list) {
      const start = text.length;
      if ('leaf' in seg) {
        text += seg.text;
        entities.push({ type: seg.leaf, offset: start, length: seg.text.length, ...seg.attrs });
      } else if ('type' in seg) {
        walk(seg.children);
        entities.push({ type: seg.type, offset: start, length: text.length - start, ...seg.attrs });
      } else {
        text += seg.text;
      }
    }
  };
  walk(segs);
  return { text, entities };
}

/**
 * Rich text with arbitrary well-formed nesting. Link labels never hold square
 * brackets (Discord cannot delimit an unpaired one; see the example tests).
 */
export const nestedRichText = (o: Partial<TreeOptions> = {}): fc.Arbitrary<RichText> =>
  segArb({ clashes: false, oddTargets: false, text: userText(8), ...o }).map((segs) => {
    const rt = flatten(segs);
    let text = rt.text;
    for (const e of rt.entities) {
      if (e.type !== 'link') continue;
      const label = text.slice(e.offset, e.offset + e.length).replace(/\[/g, '{').replace(/\]/g, '}');
      text = text.slice(0, e.offset) + label + text.slice(e.offset + e.length);
    }
    return { text, entities: rt.entities };
  }).filter((rt) => {
    // Touching code or pre leaves merge; keep the merged content clear of what Discord cannot fence.
    const n = normalizeRichText(rt);
    return n.entities.every((e) => (e.type !== 'code' || !n.text.slice(e.offset, e.offset + e.length).includes('``'))
      && (e.type !== 'pre' || !/```|\]\(/.test(n.text.slice(e.offset, e.offset + e.length))));
  });

/** Any text with any entity list: crossing, out of range, empty, duplicated. */
export const anyRichText = (maxLength = 30): fc.Arbitrary<RichText> =>
  userText(maxLength).chain((text) => fc.record({
    text: fc.constant(text),
    entities: fc.array(fc.record({
      type: fc.constantFrom<EntityType>('bold', 'italic', 'underline', 'strike', 'code', 'pre', 'spoiler', 'link', 'mention', 'quote'),
      offset: fc.integer({ min: -2, max: text.length + 2 }),
      length: fc.integer({ min: -1, max: text.length + 2 }),
      url: fc.constantFrom(...SAFE_URLS, ...ODD_URLS),
      userId: fc.constantFrom(...Object.keys(NAMES)),
      language: fc.constantFrom(...LANGUAGES),
    }).map(({ type, offset, length, url, userId, language }): TextEntity => ({
      type, offset, length,
      ...(type === 'link' ? { url } : {}), ...(type === 'mention' ? { userId } : {}), ...(type === 'pre' ? { language } : {}),
    })), { maxLength: 8 }),
  }));

/** Per character, the styles on it (type plus url, user, language), for comparing texts cut differently. */
export function charStyles(rt: RichText): string[][] {
  const out: string[][] = Array.from({ length: rt.text.length }, () => []);
  for (const e of rt.entities) {
    const sig = [e.type, e.url ?? '', e.userId ?? '', e.language ?? ''].join('|');
    for (let i = e.offset; i < e.offset + e.length; i += 1) out[i]!.push(sig);
  }
  return out.map((s) => [...new Set(s)].sort());
}
