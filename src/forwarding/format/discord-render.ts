/**
 * `RichText` (already Discord-canonical) to Discord markdown. Entities are
 * laminar, so they form a tree; each node writes its delimiters around its
 * children and escaped text. Where two delimiters would run together and read
 * differently (`**a***b*`, code against a code block, a style closing right
 * after an escaped copy of its own character), a zero-width space separates
 * them; the parser drops unescaped zero-width spaces.
 */
import type { RichText, TextEntity } from '../message/neutral-message.ts';
import { encodeLinkUrl, escapePlain, findRawUrls, renderCodeBlock, renderInlineCode } from './discord-escape.ts';
import { MASKED_LINK, ZWSP } from './discord-syntax.ts';

interface Node {
  entity: TextEntity | null;
  start: number;
  end: number;
  children: Node[];
}

/** Entities of a normalised text come in pre-order of their nesting tree. */
function buildTree(rt: RichText): Node {
  const root: Node = { entity: null, start: 0, end: rt.text.length, children: [] };
  const stack: Node[] = [root];
  for (const entity of rt.entities) {
    const node: Node = { entity, start: entity.offset, end: entity.offset + entity.length, children: [] };
    while (stack.length > 1 && stack.at(-1)!.end <= node.start) stack.pop();
    stack.at(-1)!.children.push(node);
    stack.push(node);
  }
  return root;
}

/** Delimiter characters that merge into longer runs when they touch. */
const RUN_CHARS = new Set(['*', '_', '~', '|', '`']);

/** Output with just enough memory of what came last to know when a separator is needed. */
class Out {
  s = '';
  private last: 'text' | 'open' | 'close' = 'text';

  text(t: string): void {
    if (t === '') return;
    this.s += t;
    this.last = 'text';
  }

  open(d: string): void {
    const prev = this.s.at(-1);
    if ((this.last === 'open' && prev === d[0])
      || (this.last === 'close' && RUN_CHARS.has(prev ?? '') && RUN_CHARS.has(d[0]!))) this.s += ZWSP;
    this.s += d;
    this.last = 'open';
  }

  close(d: string): void {
    if (this.s.at(-1) === d[0]) this.s += ZWSP;
    this.s += d;
    this.last = 'close';
  }

  /** Code and code blocks: open by their first character, close by their last. */
  token(t: string): void {
    this.open(t);
    this.last = 'close';
  }
}

const STYLE_DELIMITER: Partial<Record<TextEntity['type'], string>> = {
  bold: '**', italic: '*', underline: '__', strike: '~~', spoiler: '||',
};

interface Ctx {
  text: string;
  rawUrls: Map<number, number>;
  hasLinks: boolean;
}

function renderChildren(node: Node, out: Out, ctx: Ctx): void {
  let pos = node.start;
  for (const child of node.children) {
    if (child.start > pos) out.text(escapePlain(ctx.text, pos, child.start, ctx.rawUrls));
    renderNode(child, out, ctx);
    pos = child.end;
  }
  if (pos < node.end) out.text(escapePlain(ctx.text, pos, node.end, ctx.rawUrls));
}

function renderLink(node: Node, url: string, out: Out, ctx: Ctx): void {
  const label = new Out();
  renderChildren(node, label, ctx);
  const href = encodeLinkUrl(url);
  const md = `[${label.s}](${href})`;
  const m = MASKED_LINK.exec(md);
  if (m && m[0].length === md.length && m[1] === label.s && m[2] === href) {
    out.text(md);
    return;
  }
  // A label Discord cannot delimit (unpaired brackets): keep the words, show the url after them.
  renderChildren(node, out, ctx);
  out.text(` \\(<${href}>)`);
}

function renderNode(node: Node, out: Out, ctx: Ctx): void {
  const e = node.entity!;
  const content = ctx.text.slice(node.start, node.end);
  const delimiter = STYLE_DELIMITER[e.type];
  if (delimiter !== undefined) {
    out.open(delimiter);
    renderChildren(node, out, ctx);
    out.close(delimiter);
    return;
  }
  switch (e.type) {
    case 'code':
      out.token(renderInlineCode(content, ctx.hasLinks));
      return;
    case 'pre':
      out.token(renderCodeBlock(content, e.language, ctx.hasLinks));
      return;
    case 'mention':
      out.text(`<@${e.userId!}>`);
      return;
    case 'link':
      renderLink(node, e.url!, out, ctx);
      return;
    case 'quote': {
      const inner = new Out();
      renderChildren(node, inner, ctx);
      out.text(`> ${inner.s.replaceAll('\n', '\n> ')}`);
      return;
    }
    default:
      renderChildren(node, out, ctx);
  }
}

/** Markdown for a Discord-canonical `RichText` (see `discordCanonical`). */
export function renderDiscordMarkdown(rt: RichText): string {
  const ctx: Ctx = { text: rt.text, rawUrls: findRawUrls(rt), hasLinks: rt.entities.some((e) => e.type === 'link') };
  const out = new Out();
  renderChildren(buildTree(rt), out, ctx);
  return out.s;
}
