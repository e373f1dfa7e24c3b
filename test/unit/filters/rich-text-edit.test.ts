import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidOptionError } from '../../../src/errors/registry.ts';
import { replaceRanges, type TextRange } from '../../../src/forwarding/filters/rich-text-edit.ts';
import type { EntityType, RichText, TextEntity } from '../../../src/forwarding/message/neutral-message.ts';

const bold = (offset: number, length: number): TextEntity => ({ type: 'bold', offset, length });
const rt = (text: string, entities: TextEntity[] = []): RichText => ({ text, entities });
const r = (start: number, end: number, replacement: string): TextRange => ({ start, end, replacement });

describe('filters: replaceRanges', () => {
  describe('entity rules', () => {
    const text = 'say hello world'; // "hello" is [4, 9)
    const styled = rt(text, [bold(4, 5)]);
    const cases: Array<[string, TextRange[], string, TextEntity[]]> = [
      ['an edit before shifts', [r(0, 3, 'shout')], 'shout hello world', [bold(6, 5)]],
      ['an edit after leaves it', [r(10, 15, 'there')], 'say hello there', [bold(4, 5)]],
      ['an insertion at its start lands outside', [r(4, 4, '>')], 'say >hello world', [bold(5, 5)]],
      ['an insertion at its end lands outside', [r(9, 9, '!')], 'say hello! world', [bold(4, 5)]],
      ['an edit inside resizes it: the replacement inherits', [r(5, 8, 'ipp')], 'say hippo world', [bold(4, 5)]],
      ['replacing exactly its text keeps the style', [r(4, 9, 'hi')], 'say hi world', [bold(4, 2)]],
      ['removing exactly its text removes it', [r(4, 9, '')], 'say  world', []],
      ['an edit covering more removes it', [r(3, 10, '-')], 'say-world', []],
      ['an edit across its start clips it', [r(0, 6, 'HE')], 'HEllo world', [bold(2, 3)]],
      ['an edit across its end clips it', [r(7, 15, 'p!')], 'say help!', [bold(4, 3)]],
      ['several edits at once', [r(10, 15, 'all'), r(0, 3, 'I say'), r(6, 7, 'L')], 'I say heLlo all', [bold(6, 5)]],
    ];
    for (const [name, ranges, expectedText, expectedEntities] of cases) {
      it(name, () => {
        assert.deepEqual(replaceRanges(styled, ranges), rt(expectedText, expectedEntities));
      });
    }
    it('keeps nested entities nested, outer first', () => {
      const nested = rt('abcdefgh', [bold(2, 2), { type: 'italic', offset: 0, length: 8 }]);
      assert.deepEqual(replaceRanges(nested, [r(3, 5, 'XYZ')]), rt('abcXYZfgh', [{ type: 'italic', offset: 0, length: 9 }, bold(2, 1)]));
    });
    it('insertions at one point keep their given order', () => {
      assert.equal(replaceRanges(rt('ab'), [r(1, 1, 'x'), r(1, 1, 'y'), r(0, 1, 'A')]).text, 'Axyb');
    });
    it('keeps link urls and other fields', () => {
      const link: TextEntity = { type: 'link', offset: 0, length: 4, url: 'https://a.example' };
      assert.deepEqual(replaceRanges(rt('site', [link]), [r(4, 4, '!')]).entities, [link]);
    });
    it('leaves the input as it was and returns it when there is nothing to do', () => {
      const input = rt('abc', [bold(0, 3)]);
      const copy = structuredClone(input);
      replaceRanges(input, [r(0, 1, 'zz')]);
      assert.deepEqual(input, copy);
      assert.equal(replaceRanges(input, []), input);
    });
  });

  describe('bad ranges', () => {
    for (const [name, ranges] of [
      ['overlapping', [r(0, 2, ''), r(1, 3, '')]],
      ['past the end', [r(2, 9, '')]],
      ['negative', [r(-1, 1, '')]],
      ['reversed', [r(2, 1, '')]],
    ] as const) {
      it(`refuses ${name} ranges with invalid_option`, () => {
        assert.throws(() => replaceRanges(rt('abcd'), [...ranges]), (e: unknown) => e instanceof InvalidOptionError && e.details.option === 'ranges');
      });
    }
  });

  describe('properties', () => {
    const TYPES: EntityType[] = ['bold', 'italic', 'link', 'code'];
    // Text, then well-formed entities (each tagged with a userId so it can be traced), then non-overlapping ranges.
    const scenario = fc
      .string({ unit: fc.constantFrom('a', 'b', ' ', '\n', 'é'), maxLength: 24 })
      .chain((text) => {
        const n = text.length;
        const span = fc.tuple(fc.nat(n), fc.nat(n)).map(([x, y]) => [Math.min(x, y), Math.max(x, y)] as const);
        const entities = fc.array(fc.tuple(span, fc.constantFrom(...TYPES)), { maxLength: 6 }).map((raw) => {
          const kept: TextEntity[] = [];
          for (const [[s, e], type] of raw) {
            if (e === s) continue;
            const crosses = kept.some((k) => (s < k.offset && k.offset < e && e < k.offset + k.length) || (k.offset < s && s < k.offset + k.length && k.offset + k.length < e));
            if (!crosses) kept.push({ type, offset: s, length: e - s, userId: `e${kept.length}` });
          }
          return kept;
        });
        const ranges = fc
          .array(fc.tuple(fc.nat(n), fc.nat(n), fc.string({ unit: fc.constantFrom('X', 'Y'), maxLength: 3 })), { maxLength: 4 })
          .map((raw) => {
            const out: TextRange[] = [];
            let end = 0;
            for (const [x, y, replacement] of raw.map(([x, y, s]) => [Math.min(x, y), Math.max(x, y), s] as const).sort((a, b) => a[0] - b[0])) {
              if (x < end) continue;
              out.push({ start: x, end: y, replacement });
              end = y;
            }
            return out;
          });
        return fc.tuple(fc.constant(text), entities, ranges);
      });

    it('the text is the plain splice and entities stay inside it with a positive length', () => {
      fc.assert(
        fc.property(scenario, ([text, entities, ranges]) => {
          const out = replaceRanges({ text, entities }, ranges);
          let expected = text;
          for (const range of [...ranges].reverse()) expected = expected.slice(0, range.start) + range.replacement + expected.slice(range.end);
          assert.equal(out.text, expected);
          for (const e of out.entities) {
            assert.ok(e.offset >= 0 && e.length > 0 && e.offset + e.length <= out.text.length, JSON.stringify(e));
          }
        }),
      );
    });

    it('entities never cross', () => {
      fc.assert(
        fc.property(scenario, ([text, entities, ranges]) => {
          const out = replaceRanges({ text, entities }, ranges).entities;
          for (const x of out) {
            for (const y of out) {
              const xe = x.offset + x.length;
              const ye = y.offset + y.length;
              assert.ok(!(x.offset < y.offset && y.offset < xe && xe < ye), `${JSON.stringify(x)} crosses ${JSON.stringify(y)}`);
            }
          }
        }),
      );
    });

    it('text no range touched keeps every style it had, and styles come only from the input', () => {
      fc.assert(
        fc.property(scenario, ([text, entities, ranges]) => {
          const out = replaceRanges({ text, entities }, ranges).entities;
          const ids = new Set(entities.map((e) => e.userId));
          assert.ok(out.every((e) => ids.has(e.userId)));
          for (let p = 0; p < text.length; p++) {
            if (ranges.some((range) => range.start <= p && p < range.end)) continue;
            // Ranges ending at or before p (insertions at p included) move it.
            const moved = p + ranges.filter((range) => range.end <= p).reduce((sum, range) => sum + range.replacement.length - (range.end - range.start), 0);
            for (const e of entities.filter((e) => e.offset <= p && p < e.offset + e.length)) {
              const after = out.find((o) => o.userId === e.userId);
              assert.ok(after !== undefined && after.type === e.type, `entity ${e.userId} lost at ${p}`);
              assert.ok(after.offset <= moved && moved < after.offset + after.length, `char ${p} left entity ${e.userId}`);
            }
          }
        }),
      );
    });

    it('applying ranges one by one (last first) gives the same result as all at once', () => {
      fc.assert(
        fc.property(scenario, ([text, entities, ranges]) => {
          let stepwise: RichText = { text, entities };
          for (const range of [...ranges].reverse()) stepwise = replaceRanges(stepwise, [range]);
          // Entities with equal spans may come out in either order.
          const canonical = (x: RichText) => ({ text: x.text, entities: [...x.entities].sort((a, b) => a.offset - b.offset || b.length - a.length || String(a.userId).localeCompare(String(b.userId))) });
          assert.deepEqual(canonical(replaceRanges({ text, entities }, ranges)), canonical(stepwise));
        }),
      );
    });
  });
});
