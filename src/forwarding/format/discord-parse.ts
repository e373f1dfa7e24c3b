/**
 * Discord markdown to `RichText`. A small rule engine in simple-markdown's
 * manner (the library Discord's clients parse with): at each position the
 * first rule that matches wins, except that italic, bold and underline
 * compete and the longest match (ties: italic, bold, underline) wins. Nested
 * content is parsed again with the same rules.
 */
import type { RichText, TextEntity } from '../message/neutral-message.ts';
import {
  AUTOLINK, BARE_URL, BLOCK_QUOTE, BOLD, CODE_BLOCK, CUSTOM_EMOJI, ESCAPE, HEADING, INLINE_CODE, ITALIC,
  MASKED_LINK, SHRUG, SPOILER, STRIKE, SUBTEXT, TEXT, UNDERLINE, USER_MENTION, ZWSP, inlineCodeContent, unescapeUrl,
} from './discord-syntax.ts';
import { normalizeRichText } from './normalize-rich-text.ts';

type StyleType = 'bold' | 'italic' | 'underline' | 'strike' | 'spoiler';

/** Parse tree; `raw` text keeps zero-width spaces (escaped or inside a URL), other text drops them. */
type MdNode =
  | { kind: 'text'; text: string; raw: boolean }
  | { kind: 'style'; type: StyleType; children: MdNode[] }
  | { kind: 'link'; url: string; children: MdNode[] }
  | { kind: 'code'; text: string }
  | { kind: 'pre'; text: string; language: string | undefined }
  | { kind: 'mention'; userId: string }
  | { kind: 'quote'; children: MdNode[] };

interface State {
  /** Top level or a quote's content: headings may start a line here. */
  block: boolean;
  topLevel: boolean;
  inLink: boolean;
}

interface Rule {
  /** Rules with a quality compete with the following rules that have one too. */
  quality?: (m: RegExpExecArray) => number;
  match(source: string, state: State, lineStart: boolean): RegExpExecArray | null;
  parse(m: RegExpExecArray, state: State): MdNode[];
}

const inline = (state: State): State => ({ ...state, block: false, topLevel: false });
const text = (t: string, raw = false): MdNode => ({ kind: 'text', text: t, raw });
const style = (type: StyleType, group: (m: RegExpExecArray) => string) =>
  (m: RegExpExecArray, state: State): MdNode[] => [{ kind: 'style', type, children: parseNodes(group(m), inline(state)) }];
const regex = (re: RegExp) => (source: string): RegExpExecArray | null => re.exec(source);

const RULES: readonly Rule[] = [
  {
    match: (s, state, lineStart) => (state.topLevel && lineStart ? BLOCK_QUOTE.exec(s) : null),
    parse: (m, state) => {
      const all = m[0];
      const content = m[1] !== undefined ? all.replace(/^ *>>> /, '') : all.replace(/^ *> /gm, '');
      return [{ kind: 'quote', children: parseNodes(content, { ...state, topLevel: false, block: true }) }];
    },
  },
  { match: regex(CODE_BLOCK), parse: (m) => [{ kind: 'pre', text: m[2]!, language: m[1] }] },
  { match: regex(ESCAPE), parse: (m) => [text(m[1]!, true)] },
  { match: regex(AUTOLINK), parse: (m) => [text(m[1]!, true)] },
  { match: regex(BARE_URL), parse: (m) => [text(m[0], true)] },
  {
    match: (s, state) => (state.inLink ? null : MASKED_LINK.exec(s)),
    parse: (m, state) => [{ kind: 'link', url: unescapeUrl(m[2]!), children: parseNodes(m[1]!, { ...inline(state), inLink: true }) }],
  },
  { match: regex(USER_MENTION), parse: (m) => [{ kind: 'mention', userId: m[1]! }] },
  { match: regex(CUSTOM_EMOJI), parse: (m) => [text(`:${m[1]!}:`, true)] },
  { quality: (m) => m[0].length + 0.2, match: regex(ITALIC), parse: style('italic', (m) => m[2] ?? m[1]!) },
  { quality: (m) => m[0].length + 0.1, match: regex(BOLD), parse: style('bold', (m) => m[1]!) },
  { quality: (m) => m[0].length, match: regex(UNDERLINE), parse: style('underline', (m) => m[1]!) },
  { match: regex(STRIKE), parse: style('strike', (m) => m[1]!) },
  { match: regex(SPOILER), parse: style('spoiler', (m) => m[1]!) },
  { match: regex(INLINE_CODE), parse: (m) => [{ kind: 'code', text: inlineCodeContent(m[2]!) }] },
  {
    match: (s, state, lineStart) => (state.block && lineStart ? HEADING.exec(s) : null),
    // Headings have no neutral style; bold keeps them standing out.
    parse: (m, state) => [{ kind: 'style', type: 'bold', children: parseNodes(m[2]!, inline(state)) }, text(m[3]!)],
  },
  {
    match: (s, state, lineStart) => (state.block && lineStart ? SUBTEXT.exec(s) : null),
    parse: (m, state) => [...parseNodes(m[1]!, inline(state)), text(m[2]!)],
  },
  { match: regex(SHRUG), parse: (m) => [text(m[0], true)] },
  { match: regex(TEXT), parse: (m) => [text(m[0])] },
];

function parseNodes(source: string, state: State): MdNode[] {
  const out: MdNode[] = [];
  let rest = source;
  let prev = '';
  while (rest.length > 0) {
    const lineStart = prev === '' || /\n *$/.test(prev);
    let best: { rule: Rule; m: RegExpExecArray; q: number } | undefined;
    for (const rule of RULES) {
      if (best && !(best.rule.quality && rule.quality)) break;
      const m = rule.match(rest, state, lineStart);
      if (!m || m[0].length === 0) continue;
      const q = rule.quality ? rule.quality(m) : 0;
      if (!best || q > best.q) best = { rule, m, q };
    }
    // TEXT, the last rule, matches any non-empty source: there is always a winner.
    const { rule, m } = best!;
    out.push(...rule.parse(m, state));
    prev = m[0];
    rest = rest.slice(prev.length);
  }
  return out;
}

/** Options of {@link fromDiscordMarkdown}. */
export interface DiscordParseOptions {
  /**
   * Display name of a Discord user id, without the `@`, for `<@id>` mentions.
   * Default: none, the mention reads `@<id>`.
   */
  resolveUser?: (userId: string) => string | undefined;
}

/** Discord message content to the neutral model (normalised). Bare URLs stay plain text. */
export function fromDiscordMarkdown(md: string, options: DiscordParseOptions = {}): RichText {
  let out = '';
  const entities: TextEntity[] = [];
  const mark = (type: TextEntity['type'], start: number, extra: Partial<TextEntity> = {}): void => {
    if (out.length > start) entities.push({ type, offset: start, length: out.length - start, ...extra });
  };
  const walk = (nodes: readonly MdNode[]): void => {
    for (const node of nodes) {
      const start = out.length;
      switch (node.kind) {
        case 'text':
          out += node.raw ? node.text : node.text.replaceAll(ZWSP, '');
          break;
        case 'code':
          out += node.text;
          mark('code', start);
          break;
        case 'pre':
          out += node.text;
          mark('pre', start, node.language ? { language: node.language } : {});
          break;
        case 'mention':
          out += `@${options.resolveUser?.(node.userId) ?? node.userId}`;
          mark('mention', start, { userId: node.userId });
          break;
        case 'style':
          walk(node.children);
          mark(node.type, start);
          break;
        case 'link':
          walk(node.children);
          mark('link', start, { url: node.url });
          break;
        case 'quote':
          walk(node.children);
          mark('quote', start);
          break;
      }
    }
  };
  walk(parseNodes(md, { block: true, topLevel: true, inLink: false }));
  return normalizeRichText({ text: out, entities });
}
