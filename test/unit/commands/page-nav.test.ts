import assert from 'node:assert/strict';
import { clampPage, MAX_BUTTON_DATA, pageButtons, pageCount, readPageData, type PageNav } from '../../../src/commands/page-nav.ts';

describe('page navigation of long lists (pure)', () => {
  const nav = (page: number, pages: number, arg = ''): PageNav => ({ list: 'users', page, pages, arg });

  it('counts pages and keeps a requested page within them', () => {
    assert.deepEqual([pageCount(0), pageCount(10), pageCount(11)], [1, 1, 2]);
    assert.deepEqual([clampPage(-1, 25), clampPage(1, 25), clampPage(9, 25)], [0, 1, 2]);
  });

  it('offers the pages before and after, and none for a single page', () => {
    assert.deepEqual(pageButtons(nav(0, 3)), [{ label: '2 ▶', data: 'pg:users:1:' }]);
    assert.deepEqual(pageButtons(nav(1, 3, 'ann')), [{ label: '◀ 1', data: 'pg:users:0:ann' }, { label: '3 ▶', data: 'pg:users:2:ann' }]);
    assert.deepEqual(pageButtons(nav(2, 3)).map((b) => b.label), ['◀ 2']);
    assert.deepEqual(pageButtons(nav(0, 1)), []);
  });

  it('keeps button data within Telegram\'s 64 bytes, counting UTF-8 bytes, or offers none', () => {
    assert.equal(pageButtons(nav(0, 2, 'é'.repeat(25))).length, 1);
    assert.deepEqual(pageButtons(nav(0, 2, 'é'.repeat(40))), []);
    for (const b of pageButtons(nav(5, 12, 'x'.repeat(48)))) assert.ok(Buffer.byteLength(b.data) <= MAX_BUTTON_DATA);
  });

  it('reads back what a button asks for, and nothing from other data', () => {
    assert.deepEqual(readPageData('pg:users:2:ann smith'), { list: 'users', page: 2, arg: 'ann smith' });
    assert.deepEqual(readPageData('pg:pairs:0:'), { list: 'pairs', page: 0, arg: '' });
    for (const bad of ['pg:accounts:1:', 'pg:users:-1:', 'pg:users:x:', 'other', 'pg:users:1']) assert.equal(readPageData(bad), null, bad);
  });
});
