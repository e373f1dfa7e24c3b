import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { RichText, TextEntity } from '../../../src/forwarding/message/neutral-message.ts';
import {
  concatRichText, entityBoundaries, isWellFormed, normalizeRichText, sliceRichText, withoutEntityTypes,
} from '../../../src/forwarding/format/rich-text.ts';
import { graphemeBoundaries, isCodePointBoundary, snapDown, snapUp } from '../../../src/forwarding/format/text-units.ts';
import { anyRichText, charStyles, nestedRichText, userText } from './arbitraries.ts';

const rt = (text: string, ...entities: TextEntity[]): RichText => ({ text, entities });
const e = (type: TextEntity['type'], offset: number, length: number, extra: Partial<TextEntity> = {}): TextEntity =>
  ({ type, offset, length, ...extra });

describe('format: rich text', () => {
  describe('normalizeRichText', () => {
    it('drops empty, out-of-range, unknown and incomplete entities and clips the rest', () => {
      const out = normalizeRichText(rt('hello',
        e('bold', 2, 0), e('italic', 9, 2), e('underline', -2, 4), e('link', 0, 2),
        e('mention', 0, 2), { type: 'blink' as TextEntity['type'], offset: 0, length: 5 }, e('strike', 3, 99)));
      assert.deepEqual(out.entities, [e('underline', 0, 2), e('strike', 3, 2)]);
    });

    it('merges overlapping and touching ranges of one style, keeps different urls apart', () => {
      const out = normalizeRichText(rt('abcdefgh', e('bold', 0, 3), e('bold', 3, 2), e('bold', 4, 2),
        e('link', 6, 1, { url: 'https://a' }), e('link', 7, 1, { url: 'https://b' })));
      assert.deepEqual(out.entities, [e('bold', 0, 6), e('link', 6, 1, { url: 'https://a' }), e('link', 7, 1, { url: 'https://b' })]);
    });

    it('splits a crossing entity at the end of the one it crosses', () => {
      const out = normalizeRichText(rt('abcdefgh', e('bold', 0, 5), e('underline', 3, 5)));
      assert.deepEqual(out.entities, [e('bold', 0, 5), e('underline', 3, 2), e('underline', 5, 3)]);
      assert.ok(isWellFormed(out));
    });

    it('snaps quotes to whole lines and joins quotes on consecutive lines', () => {
      const out = normalizeRichText(rt('intro\nab\ncd\n\nef', e('quote', 7, 1), e('quote', 9, 1), e('quote', 13, 1)));
      assert.deepEqual(out.entities, [e('quote', 6, 5), e('quote', 13, 2)]);
    });

    it('keeps other styles off quote edges and off the line breaks around a quote', () => {
      const out = normalizeRichText(rt('ab\ncd\nef', e('quote', 3, 2), e('bold', 0, 8)));
      assert.deepEqual(out.entities, [e('bold', 0, 2), e('quote', 3, 2), e('bold', 3, 2), e('bold', 6, 2)]);
    });

    it('trims line breaks off pre blocks and lets nothing but a quote around them', () => {
      const out = normalizeRichText(rt('x\ncode\ny', e('pre', 1, 6, { language: 'js' }), e('bold', 0, 8)));
      assert.deepEqual(out.entities, [e('bold', 0, 2), e('pre', 2, 4, { language: 'js' }), e('bold', 6, 2)]);
    });

    it('drops a pre language neither platform accepts', () => {
      assert.deepEqual(normalizeRichText(rt('x', e('pre', 0, 1, { language: 'two words' }))).entities, [e('pre', 0, 1)]);
    });

    it('keeps code and mentions as leaves: styles may enclose them but not sit inside or across', () => {
      const out = normalizeRichText(rt('say code now', e('code', 4, 4), e('bold', 0, 8), e('italic', 5, 7)));
      assert.deepEqual(out.entities, [e('bold', 0, 8), e('code', 4, 4), e('italic', 9, 3)]);
      const m = normalizeRichText(rt('hi @ann!', e('mention', 3, 4, { userId: '1' }), e('link', 0, 8, { url: 'https://x' })));
      assert.deepEqual(m.entities, [e('link', 0, 3, { url: 'https://x' }), e('mention', 3, 4, { userId: '1' }), e('link', 7, 1, { url: 'https://x' })]);
    });

    it('keeps touching mentions apart and drops one overlapping another', () => {
      const out = normalizeRichText(rt('@a@a', e('mention', 0, 2, { userId: '1' }), e('mention', 2, 2, { userId: '1' }),
        e('mention', 1, 2, { userId: '2' })));
      assert.deepEqual(out.entities, [e('mention', 0, 2, { userId: '1' }), e('mention', 2, 2, { userId: '1' })]);
    });

    it('keeps italic edges off bare whitespace', () => {
      assert.deepEqual(normalizeRichText(rt(' a b ', e('italic', 0, 5))).entities, [e('italic', 1, 3)]);
      // A nested entity opening at the edge writes its own delimiter there, so the italic may start on its space.
      assert.deepEqual(normalizeRichText(rt(' a', e('italic', 0, 2), e('code', 0, 1))).entities, [e('italic', 0, 2), e('code', 0, 1)]);
    });

    it('never leaves half a surrogate pair inside an entity', () => {
      assert.deepEqual(normalizeRichText(rt('a😀b', e('bold', 2, 2))).entities, [e('bold', 1, 3)]);
    });

    it('is idempotent and well-formed for any input', () => {
      fc.assert(fc.property(anyRichText(), (input) => {
        const once = normalizeRichText(input);
        assert.ok(isWellFormed(once));
        assert.equal(once.text, input.text);
        assert.deepEqual(normalizeRichText(once), once);
      }), { numRuns: 400 });
    });

    it('keeps the styles of characters of a well-formed text that break no rule', () => {
      fc.assert(fc.property(nestedRichText({ text: fc.stringMatching(/^[a-z]{1,4}$/) }), (input) => {
        const plainStyles = input.entities.filter((x) => ['bold', 'underline', 'strike', 'spoiler'].includes(x.type));
        const only = { text: input.text, entities: plainStyles };
        assert.deepEqual(charStyles(normalizeRichText(only)), charStyles(only));
      }), { numRuns: 300 });
    });
  });

  describe('slice, concat, withoutEntityTypes', () => {
    it('slices with clipped entities and clamps like String.slice', () => {
      const src = rt('hello world', e('bold', 3, 5));
      assert.deepEqual(sliceRichText(src, 4, 9), rt('o wor', e('bold', 0, 4)));
      assert.deepEqual(sliceRichText(src, -5), rt('world', e('bold', 0, 2)));
      assert.deepEqual(sliceRichText(src, 8, 2), rt(''));
    });

    it('widens a slice that would cut a surrogate pair', () => {
      assert.equal(sliceRichText(rt('a😀b'), 2, 4).text, '😀b');
    });

    it('concatenates, merging styles that touch across the joint', () => {
      assert.deepEqual(concatRichText(rt('ab', e('bold', 1, 1)), rt('cd', e('bold', 0, 1))), rt('abcd', e('bold', 1, 2)));
    });

    it('gives back a whitespace-free text from its slices', () => {
      fc.assert(fc.property(nestedRichText({ text: fc.stringMatching(/^[a-z*_]{0,5}$/) }), fc.nat(), (input, at) => {
        const n = normalizeRichText(input);
        fc.pre(!/\s/.test(n.text));
        const cut = at % (n.text.length + 1);
        fc.pre(!n.entities.some((m) => m.type === 'mention' && m.offset < cut && cut < m.offset + m.length));
        assert.deepEqual(concatRichText(sliceRichText(n, 0, cut), sliceRichText(n, cut)), n);
      }), { numRuns: 300 });
    });

    it('drops entity types, keeping the text', () => {
      const src = rt('@ann hi', e('mention', 0, 4, { userId: '7' }), e('bold', 5, 2));
      assert.deepEqual(withoutEntityTypes(src, ['mention']), rt('@ann hi', e('bold', 5, 2)));
    });

    it('lists entity boundaries inside the text', () => {
      assert.deepEqual(entityBoundaries(rt('abcdef', e('bold', 0, 3), e('italic', 2, 4))), [2, 3]);
    });
  });

  describe('text units', () => {
    it('finds code-point boundaries and snaps off them', () => {
      const s = 'a😀';
      assert.deepEqual([0, 1, 2, 3].map((i) => isCodePointBoundary(s, i)), [true, true, false, true]);
      assert.equal(snapDown(s, 2), 1);
      assert.equal(snapUp(s, 2), 3);
    });

    it('keeps grapheme clusters whole', () => {
      assert.deepEqual(graphemeBoundaries('a👍🏽👨‍👩‍👧b', 0, 14), [1, 5, 13]);
    });

    it('only ever reports code-point boundaries', () => {
      fc.assert(fc.property(userText(20), (s) => {
        for (const b of graphemeBoundaries(s, 0, s.length)) assert.ok(isCodePointBoundary(s, b));
      }), { numRuns: 300 });
    });
  });
});
