import assert from 'node:assert/strict';
import { applyFilters } from '../../../src/forwarding/filters/apply-filters.ts';
import { previewPair } from '../../../src/forwarding/filters/preview.ts';
import { filters, message } from './filter-fixtures.ts';

describe('filters: previewPair', () => {
  const list = filters(
    { kind: 'template', header: 'from {author}' },
    { kind: 'remove_links' },
    { kind: 'keyword', mode: 'include', words: ['deal'] },
    { kind: 'keyword', mode: 'exclude', words: ['scam'] },
  );

  it('traces every filter in running order with its text before and after', () => {
    const m = message('deal https://x.example');
    const preview = previewPair(m, list, {});
    assert.deepEqual(preview.steps, [
      { index: 2, kind: 'keyword', result: 'kept', textBefore: 'deal https://x.example', textAfter: 'deal https://x.example' },
      { index: 3, kind: 'keyword', result: 'kept', textBefore: 'deal https://x.example', textAfter: 'deal https://x.example' },
      { index: 1, kind: 'remove_links', result: 'changed', textBefore: 'deal https://x.example', textAfter: 'deal' },
      { index: 0, kind: 'template', result: 'changed', textBefore: 'deal', textAfter: 'from Ann\ndeal' },
    ]);
    assert.deepEqual(preview.outcome, applyFilters(m, list, {}));
  });

  it('marks the dropping filter and lists the rest as not reached', () => {
    const preview = previewPair(message('a scam deal'), list, {});
    assert.deepEqual(preview.outcome, { action: 'drop', reason: 'keyword_matched', filterIndex: 3, kind: 'keyword' });
    assert.deepEqual(preview.steps.map((s) => [s.index, s.result, 'reason' in s ? s.reason : undefined]), [
      [2, 'kept', undefined],
      [3, 'dropped', 'keyword_matched'],
      [1, 'not_reached', undefined],
      [0, 'not_reached', undefined],
    ]);
  });

  it('shows the emptied text when an edit leaves nothing to send', () => {
    const preview = previewPair(message('deal https://x.example'), filters({ kind: 'replace', find: 'deal', replacement: '' }, { kind: 'remove_links' }), {});
    assert.deepEqual(preview.steps.at(-1), {
      index: 1, kind: 'remove_links', result: 'dropped', reason: 'empty_after_filter', textBefore: ' https://x.example', textAfter: '',
    });
  });

  it('is plain JSON', () => {
    const preview = previewPair(message('deal'), list, { now: 0, sourceChatName: 'c' });
    assert.deepEqual(JSON.parse(JSON.stringify(preview)), preview);
  });
});
