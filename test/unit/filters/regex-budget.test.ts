import assert from 'node:assert/strict';
import { budgetedMatches, budgetedTest, REGEX_INPUT_LIMIT, REGEX_TIME_BUDGET_MS, regexInput } from '../../../src/forwarding/filters/regex-budget.ts';

describe('filters: regex budget', () => {
  it('cuts input at the limit but never inside a surrogate pair', () => {
    assert.equal(regexInput('short'), 'short');
    assert.equal(regexInput('x'.repeat(REGEX_INPUT_LIMIT + 5)).length, REGEX_INPUT_LIMIT);
    const emoji = `${'x'.repeat(REGEX_INPUT_LIMIT - 1)}😀tail`;
    assert.equal(regexInput(emoji), 'x'.repeat(REGEX_INPUT_LIMIT - 1));
  });

  it('returns matches as ordinary values of this realm', () => {
    const found = budgetedMatches('(?<d>\\d)(x)?', '', 'a1b2x');
    assert.ok(Array.isArray(found));
    assert.deepEqual(found, [
      { index: 1, captures: ['1', '1', undefined], groups: { d: '1' } },
      { index: 3, captures: ['2x', '2', 'x'], groups: { d: '2' } },
    ]);
  });

  it('advances past empty matches, by code point under the u flag', () => {
    assert.deepEqual(budgetedMatches('', 'u', '😀a'), [0, 2, 3].map((index) => ({ index, captures: [''], groups: undefined })));
  });

  it('answers timeout for a catastrophic run, within about the budget', function () {
    this.timeout(5_000);
    const started = performance.now();
    assert.equal(budgetedTest('^(a+)+$', '', `${'a'.repeat(40)}!`), 'timeout');
    assert.ok(performance.now() - started < REGEX_TIME_BUDGET_MS * 10);
    // The context stays usable after an interrupted run.
    assert.equal(budgetedTest('a', 'i', 'A'), true);
  });
});
