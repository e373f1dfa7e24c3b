import assert from 'node:assert/strict';
import { PLANS } from '../../../config/plans.ts';
import { FeatureNotInPlanError, FilterInvalidError, FilterRegexInvalidError } from '../../../src/errors/registry.ts';
import type { SwitchboardError } from '../../../src/errors/switchboard-error.ts';
import {
  MAX_FILTERS_PER_PAIR,
  MAX_KEYWORDS,
  MAX_PATTERN_LENGTH,
} from '../../../src/forwarding/filters/filter-schema.ts';
import { parseFilters, validateFilters } from '../../../src/forwarding/filters/validate-filters.ts';

const pro = (raw: unknown) => validateFilters(raw, PLANS.pro.features, 'pro');

function thrown(fn: () => unknown): SwitchboardError {
  try {
    fn();
  } catch (error) {
    return error as SwitchboardError;
  }
  return assert.fail('expected an error');
}

const keyword = { kind: 'keyword', mode: 'include', words: ['sale'] };

describe('filters: validateFilters', () => {
  describe('plan gating', () => {
    it('the free plan accepts keyword filters', () => {
      const parsed = validateFilters([keyword, { ...keyword, mode: 'exclude', matchCase: true, wholeWord: true }], PLANS.free.features, 'free');
      assert.equal(parsed.length, 2);
    });
    it('the free plan refuses a regex filter with feature_not_in_plan (advanced_filters)', () => {
      const error = thrown(() => validateFilters([keyword, { kind: 'regex', mode: 'include', pattern: 'a' }], PLANS.free.features, 'free'));
      assert.ok(error instanceof FeatureNotInPlanError);
      assert.equal(error.code, 'feature_not_in_plan');
      assert.equal(error.status, 402);
      assert.deepEqual(error.details, { feature: 'advanced_filters', plan: 'free' });
      assert.equal(error.message, 'The free plan does not include advanced filters');
    });
    for (const kind of ['media_type', 'replace', 'template', 'remove_links', 'strip_mentions']) {
      it(`the free plan refuses ${kind}`, () => {
        assert.ok(thrown(() => validateFilters([{ kind }], PLANS.free.features, 'free')) instanceof FeatureNotInPlanError);
      });
    }
    it('the plan refusal comes before shape problems', () => {
      const error = thrown(() => validateFilters([{ kind: 'keyword' }, { kind: 'regex', pattern: '(' }], PLANS.free.features, 'free'));
      assert.ok(error instanceof FeatureNotInPlanError);
    });
    it('pro and elite accept every kind', () => {
      const all = [
        keyword,
        { kind: 'regex', mode: 'exclude', pattern: '^spam', flags: 'iu' },
        { kind: 'media_type', allow: ['text', 'photo'] },
        { kind: 'replace', find: 'a', replacement: 'b' },
        { kind: 'replace', find: '(\\d+)', replacement: '#$1', regex: true, flags: 'i' },
        { kind: 'template', header: 'From {author} in {chat}', footer: '{date} {time}', caption: '[{text}]' },
        { kind: 'remove_links' },
        { kind: 'strip_mentions' },
      ];
      assert.equal(pro(all).length, all.length);
      assert.equal(validateFilters(all, PLANS.elite.features, 'elite').length, all.length);
    });
  });

  describe('filter_invalid', () => {
    const cases: Array<[string, unknown, number | null, string, RegExp]> = [
      ['not an array', { kind: 'keyword' }, null, '', /must be an array/],
      ['too many filters', Array.from({ length: MAX_FILTERS_PER_PAIR + 1 }, () => keyword), null, '', /at most 20 filters; got 21/],
      ['an unknown kind', [keyword, { kind: 'translate' }], 1, 'kind', /Invalid discriminator/],
      ['no kind', [{}], 0, 'kind', /Invalid discriminator/],
      ['not an object', [7], 0, '', /expected object/],
      ['a missing mode', [{ kind: 'keyword', words: ['a'] }], 0, 'mode', /include/],
      ['no words', [{ ...keyword, words: [] }], 0, 'words', /too small/i],
      ['too many words', [{ ...keyword, words: Array.from({ length: MAX_KEYWORDS + 1 }, (_, i) => `w${i}`) }], 0, 'words', /too big/i],
      ['a blank word', [{ ...keyword, words: ['ok', '   '] }], 0, 'words.1', /blank/],
      ['a non-string word', [{ ...keyword, words: ['ok', 3] }], 0, 'words.1', /expected string/],
      ['a misspelled field', [{ ...keyword, wholeword: true }], 0, 'wholeword', /Unrecognized key/],
      ['a long pattern', [{ kind: 'regex', mode: 'include', pattern: 'a'.repeat(MAX_PATTERN_LENGTH + 1) }], 0, 'pattern', /too big/i],
      ['a g flag', [{ kind: 'regex', mode: 'include', pattern: 'a', flags: 'g' }], 0, 'flags', /imsu/],
      ['a repeated flag', [{ kind: 'regex', mode: 'include', pattern: 'a', flags: 'ii' }], 0, 'flags', /repeat/],
      ['an unknown media type', [{ kind: 'media_type', allow: ['gif'] }], 0, 'allow.0', /expected one of/],
      ['flags on a plain replace', [{ kind: 'replace', find: 'a', replacement: '', flags: 'i' }], 0, 'flags', /regex: true/],
      ['an empty template', [{ kind: 'template' }], 0, '', /header, a footer or a caption/],
      ['an unknown placeholder', [{ kind: 'template', header: 'by {writer}' }], 0, 'header', /unknown placeholder \{writer\} at position 3/],
      ['{text} in a header', [{ kind: 'template', header: '{text}' }], 0, 'header', /only available in caption/],
      ['a stray brace', [{ kind: 'template', footer: 'a { b' }], 0, 'footer', /"\{\{" for a literal brace/],
      ['an option on remove_links', [{ kind: 'remove_links', keepText: true }], 0, 'keepText', /Unrecognized key/],
    ];
    for (const [name, raw, index, field, problem] of cases) {
      it(name, () => {
        const error = thrown(() => pro(raw));
        assert.ok(error instanceof FilterInvalidError, String(error));
        assert.equal(error.code, 'filter_invalid');
        assert.equal(error.status, 400);
        const details = error.details as { index: number | null; field: string; problem: string };
        assert.equal(details.index, index);
        assert.equal(details.field, field);
        assert.match(details.problem, problem);
      });
    }
    it('the message names the filter and the field', () => {
      const error = thrown(() => pro([keyword, { ...keyword, words: ['ok', ''] }]));
      assert.match(error.message, /^Filter 1 \(words\.1\): /);
      assert.match(thrown(() => pro('x')).message, /^Invalid filters: /);
    });
    it('literal braces are fine: {{ and }}', () => {
      assert.equal(pro([{ kind: 'template', header: '{{author}} is {author}; a } alone' }]).length, 1);
    });
  });

  describe('filter_regex_invalid: the position of the error', () => {
    const cases: Array<[string, string, number, RegExp]> = [
      ['(abc', '', 0, /Unterminated group/],
      ['a[b', '', 1, /Unterminated character class/],
      ['*a', '', 0, /Nothing to repeat/],
      ['a{2,1}', '', 1, /out of order/],
      ['(?<n>a)(?<n>b)', '', 7, /Duplicate capture group name/],
      ['ab)c', '', 2, /Unmatched '\)'/],
      ['abc\\', '', 3, /\\ at end of pattern/],
      ['x(?<1a>y)', '', 1, /Invalid capture group name/],
      ['ok|a++', '', 5, /Nothing to repeat/],
      ['a{', 'u', 1, /Incomplete quantifier|Lone quantifier/],
      ['\\p{Nope}', 'u', 0, /Invalid property name/],
      ['abc(def[gh', '', 7, /Unterminated character class/],
      ['(?<a>x)\\k<b>', '', 7, /Invalid named capture referenced/],
    ];
    for (const [pattern, flags, position, reason] of cases) {
      it(`/${pattern}/${flags} fails at ${position}`, () => {
        const error = thrown(() => pro([keyword, { kind: 'regex', mode: 'include', pattern, ...(flags ? { flags } : {}) }]));
        assert.ok(error instanceof FilterRegexInvalidError, String(error));
        assert.equal(error.code, 'filter_regex_invalid');
        assert.equal(error.status, 400);
        const d = error.details as { index: number; field: string; position: number; reason: string; problem: string; pattern: string };
        assert.deepEqual([d.index, d.field, d.position, d.problem, d.pattern], [1, 'pattern', position, 'syntax', pattern]);
        assert.match(d.reason, reason);
        assert.doesNotMatch(d.reason, /Invalid regular expression/);
      });
    }
    it('checks the find of a regex replace, not of a plain one', () => {
      const error = thrown(() => pro([{ kind: 'replace', find: 'x(', replacement: '', regex: true }]));
      assert.ok(error instanceof FilterRegexInvalidError);
      assert.deepEqual([(error.details as { field: string }).field, (error.details as { position: number }).position], ['find', 1]);
      assert.equal(pro([{ kind: 'replace', find: 'x(', replacement: '' }]).length, 1);
    });
    it('the message gives the filter, the field, the position and the reason', () => {
      assert.equal(
        thrown(() => pro([{ kind: 'regex', mode: 'include', pattern: '(abc' }])).message,
        'Filter 0 (pattern): invalid regex at position 0: Unterminated group',
      );
    });
  });

  describe('filter_regex_invalid: nested quantifiers', () => {
    for (const [pattern, position] of [['(a+)+', 4], ['x(\\w*\\s?)*$', 9], ['((ab)+c){2,}', 8], ['(?:a*)+', 6], ['(a|b+)*?', 6]] as const) {
      it(`refuses ${pattern}`, () => {
        const error = thrown(() => pro([{ kind: 'regex', mode: 'exclude', pattern }]));
        assert.ok(error instanceof FilterRegexInvalidError);
        const d = error.details as { problem: string; position: number; reason: string };
        assert.equal(d.problem, 'catastrophic_backtracking');
        assert.equal(d.position, position);
        assert.match(d.reason, /nested quantifier/);
      });
    }
    for (const pattern of ['(a+)', '(ab){2}', '(a+){3}', 'a+b+', '[(a+)]+', '\\(a+\\)+']) {
      it(`accepts ${pattern}`, () => {
        assert.equal(pro([{ kind: 'regex', mode: 'exclude', pattern }]).length, 1);
      });
    }
  });

  describe('parseFilters', () => {
    it('checks shape and regexes but not the plan', () => {
      assert.equal(parseFilters([{ kind: 'regex', mode: 'include', pattern: 'a' }]).length, 1);
      assert.ok(thrown(() => parseFilters([{ kind: 'regex', mode: 'include', pattern: '(' }])) instanceof FilterRegexInvalidError);
    });
  });
});
