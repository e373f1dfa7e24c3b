import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FormatLimitTooSmallError, InvalidOptionError } from '../../../src/errors/registry.ts';
import type { RichText, TextEntity } from '../../../src/forwarding/message/neutral-message.ts';
import { discordCanonical, fromDiscordMarkdown, toDiscordMarkdown, toDiscordMessages } from '../../../src/forwarding/format/discord-markdown.ts';
import { normalizeRichText, sliceRichText } from '../../../src/forwarding/format/rich-text.ts';
import { splitRichText } from '../../../src/forwarding/format/split-rich-text.ts';
import { isCodePointBoundary } from '../../../src/forwarding/format/text-units.ts';
import { charStyles, nestedRichText, resolveUser, userText } from './arbitraries.ts';

const rt = (text: string, ...entities: TextEntity[]): RichText => ({ text, entities });
const e = (type: TextEntity['type'], offset: number, length: number, extra: Partial<TextEntity> = {}): TextEntity =>
  ({ type, offset, length, ...extra });
const byLength = (p: RichText): number => p.text.length;
const texts = (parts: RichText[]): string[] => parts.map((p) => p.text);

/** Several nested rich texts one after another: long enough to need cutting, every kind of cut point. */
const longRichText = fc.array(nestedRichText({ text: userText(12) }), { minLength: 1, maxLength: 6 }).map((list) => {
  let text = '';
  const entities: TextEntity[] = [];
  for (const part of list) {
    for (const x of part.entities) entities.push({ ...x, offset: x.offset + text.length });
    text += part.text;
  }
  return { text, entities };
});

/**
 * The split contract: original = w0 + p1 + w1 + … + pn + wn with every wi whitespace; no part empty or all
 * whitespace; every non-whitespace character keeps exactly its styles (whitespace may lose italic, whose
 * edges skip bare whitespace and can move when a cut changes nesting); no part edge inside a surrogate pair.
 * A part may lose its styles only where `tooLongStyled(from, to)` says the same slice with them would not fit.
 */
function assertSplitContract(
  original: RichText, parts: RichText[], tooLongStyled: (from: number, to: number) => boolean = () => false,
): void {
  const { text } = original;
  const ref = charStyles(original);
  const noItalic = (s: string[] | undefined): string[] => (s ?? []).filter((x) => !x.startsWith('italic|'));
  let pos = 0;
  for (const part of parts) {
    assert.match(part.text, /\S/, 'a part is empty or all whitespace');
    while (!text.startsWith(part.text, pos)) {
      assert.match(text[pos] ?? '', /\s/, `non-whitespace dropped at ${pos}`);
      pos += 1;
    }
    assert.ok(isCodePointBoundary(text, pos) && isCodePointBoundary(text, pos + part.text.length), 'surrogate pair cut');
    const styles = charStyles(part);
    if (part.entities.length === 0 && tooLongStyled(pos, pos + part.text.length)) {
      pos += part.text.length;
      continue;
    }
    for (let j = 0; j < part.text.length; j += 1) {
      const ws = /\s/.test(part.text[j]!);
      assert.deepEqual(ws ? noItalic(styles[j]) : styles[j], ws ? noItalic(ref[pos + j]) : ref[pos + j], `styles at ${pos + j}`);
    }
    pos += part.text.length;
  }
  assert.match(text.slice(pos), /^\s*$/, 'text left over');
}

describe('format: splitting', () => {
  it('property: parts fit, rebuild the text modulo cut whitespace and keep styles (plain length)', () => {
    fc.assert(fc.property(longRichText, fc.integer({ min: 2, max: 80 }), (input, limit) => {
      const parts = splitRichText(input, byLength, limit);
      for (const p of parts) assert.ok(p.text.length <= limit);
      assertSplitContract(normalizeRichText(input), parts);
    }), { numRuns: 300 });
  });

  it('property: the same under a measure that charges for entities', () => {
    const measure = (p: RichText): number => p.text.length + 4 * p.entities.length;
    fc.assert(fc.property(longRichText, fc.integer({ min: 48, max: 120 }), (input, limit) => {
      const parts = splitRichText(input, measure, limit);
      for (const p of parts) assert.ok(measure(p) <= limit);
      assertSplitContract(normalizeRichText(input), parts);
    }), { numRuns: 200 });
  });

  it('property: Discord messages fit with their markup and each parses back to its slice', () => {
    fc.assert(fc.property(longRichText, fc.integer({ min: 60, max: 300 }), (input, limit) => {
      const messages = toDiscordMessages(input, limit);
      for (const m of messages) assert.ok(m.length <= limit, `${m.length} > ${limit}`);
      const canonical = discordCanonical(input);
      // One character under a long link and every style can outgrow a small limit: it then goes unstyled.
      const tooLongStyled = (from: number, to: number): boolean =>
        toDiscordMarkdown(sliceRichText(normalizeRichText(canonical), from, to)).length > limit;
      assertSplitContract(canonical, messages.map((m) => fromDiscordMarkdown(m, { resolveUser })), tooLongStyled);
    }), { numRuns: 150 });
  });

  it('prefers a line break, then a space, when the part keeps at least half', () => {
    assert.deepEqual(texts(splitRichText(rt('aaaa bbbb\ncc dd'), byLength, 12)), ['aaaa bbbb', 'cc dd']);
    assert.deepEqual(texts(splitRichText(rt('aaaa bbbbbbbb cc'), byLength, 12)), ['aaaa', 'bbbbbbbb cc']);
    assert.deepEqual(texts(splitRichText(rt('a\nbbbbbb cccc'), byLength, 12)), ['a\nbbbbbb', 'cccc']);
  });

  it('hard-cuts a word longer than the limit, never inside a surrogate pair or grapheme', () => {
    assert.deepEqual(texts(splitRichText(rt('abcdefghij'), byLength, 4)), ['abcd', 'efgh', 'ij']);
    assert.deepEqual(texts(splitRichText(rt('😀😀😀'), byLength, 3)), ['😀', '😀', '😀']);
    assert.deepEqual(texts(splitRichText(rt('👍🏽👍🏽'), byLength, 5)), ['👍🏽', '👍🏽']);
  });

  it('cuts at an entity boundary inside a word before cutting blind', () => {
    assert.deepEqual(texts(splitRichText(rt('abcdefghij', e('bold', 0, 6)), byLength, 8)), ['abcdef', 'ghij']);
  });

  it('keeps indentation after a line break (code stays indented) and drops trailing whitespace', () => {
    const code = rt('line one\n  indented  \n', e('pre', 0, 20));
    assert.deepEqual(splitRichText(code, byLength, 10), [rt('line one', e('pre', 0, 8)), rt('  indented', e('pre', 0, 10))]);
  });

  it('does not cut inside a mention unless it alone is too long', () => {
    assert.deepEqual(texts(splitRichText(rt('hi @Ann Lee', e('mention', 3, 8, { userId: '1' })), byLength, 9)), ['hi', '@Ann Lee']);
  });

  it('re-opens styles in the next Discord message', () => {
    const long = rt(`${'word '.repeat(9)}word`, e('bold', 0, 49), e('spoiler', 10, 30));
    const messages = toDiscordMessages(long, 30);
    assert.deepEqual(messages, ['**word word ||word word||**', '||**word word word word**||', '**word word**']);
  });

  it('splits a code block and a quote into blocks valid on their own', () => {
    const block = rt('let a = 1;\nlet b = 2;', e('pre', 0, 21, { language: 'js' }));
    assert.deepEqual(toDiscordMessages(block, 25), ['```js\nlet a = 1;\n```', '```js\nlet b = 2;\n```']);
    assert.deepEqual(toDiscordMessages(rt('one two\nthree four', e('quote', 0, 18)), 12), ['> one two', '> three four']);
  });

  it('gives no parts for an empty or blank text, one for a text that fits', () => {
    assert.deepEqual(splitRichText(rt(''), byLength, 5), []);
    assert.deepEqual(splitRichText(rt('  \n '), byLength, 5), []);
    assert.deepEqual(splitRichText(rt('  hi'), byLength, 5), [rt('  hi')]);
  });

  it('sends a character unstyled rather than not at all, and refuses a limit nothing fits', () => {
    const markup = (p: RichText): number => p.text.length + 10 * p.entities.length;
    assert.deepEqual(splitRichText(rt('ab', e('bold', 0, 2)), markup, 3), [rt('a'), rt('b')]);
    assert.throws(() => splitRichText(rt('😀'), byLength, 1), FormatLimitTooSmallError);
    assert.throws(() => splitRichText(rt('x'), byLength, 0), InvalidOptionError);
    assert.throws(() => splitRichText(rt('x'), byLength, 2.5), InvalidOptionError);
  });
});
