import assert from 'node:assert/strict';
import { applyFilters, FILTER_ORDER, type FilterOutcome } from '../../../src/forwarding/filters/apply-filters.ts';
import type { PairFilter } from '../../../src/forwarding/filters/filter-schema.ts';
import { REGEX_INPUT_LIMIT } from '../../../src/forwarding/filters/regex-budget.ts';
import type { NeutralMessage, TextEntity } from '../../../src/forwarding/message/neutral-message.ts';
import { attachment, covered, filters, message, SENT_AT } from './filter-fixtures.ts';

function forwarded(outcome: FilterOutcome): NeutralMessage {
  if (outcome.action !== 'forward') return assert.fail(`dropped: ${outcome.reason}`);
  return outcome.message;
}
const textAfter = (m: NeutralMessage, ...raw: unknown[]) => forwarded(applyFilters(m, filters(...raw), {})).text.text;
const drop = (m: NeutralMessage, ...raw: unknown[]) => applyFilters(m, filters(...raw), {});
const keeps = (text: string, filter: object) => applyFilters(message(text), filters(filter), {}).action === 'forward';

describe('filters: applyFilters', () => {
  describe('keyword', () => {
    const include = (words: string[], extra: object = {}) => ({ kind: 'keyword', mode: 'include', words, ...extra });
    it('include forwards a message with any of the words and drops one with none', () => {
      assert.equal(keeps('Big sale today', include(['promo', 'sale'])), true);
      assert.deepEqual(drop(message('nothing here'), include(['sale'])), { action: 'drop', reason: 'keyword_not_matched', filterIndex: 0, kind: 'keyword' });
    });
    it('exclude drops a message with any of the words', () => {
      assert.deepEqual(drop(message('buy CRYPTO now'), include(['buy']), { kind: 'keyword', mode: 'exclude', words: ['crypto'] }), {
        action: 'drop', reason: 'keyword_matched', filterIndex: 1, kind: 'keyword',
      });
      assert.equal(keeps('all fine', { kind: 'keyword', mode: 'exclude', words: ['crypto'] }), true);
    });
    it('ignores case unless matchCase', () => {
      assert.equal(keeps('SALE', include(['sale'])), true);
      assert.equal(keeps('SALE', include(['sale'], { matchCase: true })), false);
      assert.equal(keeps('sale', include(['sale'], { matchCase: true })), true);
    });
    it('folds case across scripts (Greek final sigma, Cyrillic)', () => {
      assert.equal(keeps('ΟΔΟΣ', include(['οδος'])), true);
      assert.equal(keeps('ПРИВЕТ мир', include(['привет'])), true);
    });
    it('wholeWord needs word boundaries, Unicode letters included', () => {
      assert.equal(keeps('wholesale prices', include(['sale'], { wholeWord: true })), false);
      assert.equal(keeps('Sale! now', include(['sale'], { wholeWord: true })), true);
      assert.equal(keeps('котик', include(['кот'], { wholeWord: true })), false);
      assert.equal(keeps('мой кот.', include(['кот'], { wholeWord: true })), true);
      assert.equal(keeps('cafés', include(['café'], { wholeWord: true })), false);
      assert.equal(keeps('sale_2024', include(['sale'], { wholeWord: true })), false);
      assert.equal(keeps('I like c++ a lot', include(['c++'], { wholeWord: true })), true);
    });
    it('compares in NFC: a composed word matches decomposed text', () => {
      assert.equal(keeps('cafe\u0301 ouvert', include(['caf\u00e9'], { wholeWord: true })), true);
    });
    it('words are literal, not patterns', () => {
      assert.equal(keeps('axb', include(['a.b'])), false);
      assert.equal(keeps('a.b', include(['a.b'])), true);
    });
    it('several include filters must all match', () => {
      assert.equal(drop(message('red car'), include(['red']), include(['car'])).action, 'forward');
      assert.equal(drop(message('red bike'), include(['red']), include(['car'])).action, 'drop');
    });
    it('include drops a media message without caption', () => {
      assert.equal(drop(message('', [], { attachments: [attachment('photo')] }), include(['x'])).action, 'drop');
    });
  });

  describe('regex', () => {
    it('include and exclude, with flags', () => {
      assert.equal(keeps('Order #123', { kind: 'regex', mode: 'include', pattern: '#\\d+' }), true);
      assert.deepEqual(drop(message('no number'), { kind: 'regex', mode: 'include', pattern: '#\\d+' }), {
        action: 'drop', reason: 'regex_not_matched', filterIndex: 0, kind: 'regex',
      });
      assert.deepEqual(drop(message('SPAM here'), { kind: 'regex', mode: 'exclude', pattern: '^spam', flags: 'i' }), {
        action: 'drop', reason: 'regex_matched', filterIndex: 0, kind: 'regex',
      });
      assert.equal(keeps('SPAM here', { kind: 'regex', mode: 'exclude', pattern: '^spam' }), true);
    });
    it(`only looks at the first ${REGEX_INPUT_LIMIT} code units`, () => {
      const late = `${'x'.repeat(REGEX_INPUT_LIMIT)}needle`;
      assert.equal(keeps(late, { kind: 'regex', mode: 'include', pattern: 'needle' }), false);
      assert.equal(keeps(late, { kind: 'keyword', mode: 'include', words: ['needle'] }), true);
    });
    it('a regex that runs out of time drops the message', function () {
      this.timeout(5_000);
      // Bypasses validation, which would refuse this pattern: the budget is the backstop.
      const evil: PairFilter[] = [{ kind: 'regex', mode: 'exclude', pattern: '^(a+)+$' }];
      const started = performance.now();
      const outcome = applyFilters(message(`${'a'.repeat(40)}!`), evil, {});
      assert.deepEqual(outcome, { action: 'drop', reason: 'regex_time_budget_exceeded', filterIndex: 0, kind: 'regex' });
      assert.ok(performance.now() - started < 1_000);
    });
  });

  describe('media_type', () => {
    const allow = (...kinds: string[]) => ({ kind: 'media_type', allow: kinds });
    it('text means a message without attachments', () => {
      assert.equal(drop(message('hi'), allow('text')).action, 'forward');
      assert.deepEqual(drop(message('hi'), allow('photo')), { action: 'drop', reason: 'media_type_not_allowed', filterIndex: 0, kind: 'media_type' });
    });
    it('a caption does not make a photo text', () => {
      assert.equal(drop(message('caption', [], { attachments: [attachment('photo')] }), allow('text')).action, 'drop');
      assert.equal(drop(message('caption', [], { attachments: [attachment('photo')] }), allow('photo')).action, 'forward');
    });
    it('every attachment kind must be allowed', () => {
      const album = message('', [], { attachments: [attachment('photo'), attachment('video')] });
      assert.equal(drop(album, allow('photo')).action, 'drop');
      assert.equal(drop(album, allow('photo', 'video')).action, 'forward');
    });
  });

  describe('replace', () => {
    it('plain: every literal, case-sensitive occurrence; $ is literal', () => {
      assert.equal(textAfter(message('cat Cat cat'), { kind: 'replace', find: 'cat', replacement: '$1 dog' }), '$1 dog Cat $1 dog');
    });
    it('regex: $1, $<name>, $&, $$ and zero-length matches', () => {
      const m = message('id 12 and 345');
      assert.equal(textAfter(m, { kind: 'replace', find: '(\\d+)', replacement: '<$1>', regex: true }), 'id <12> and <345>');
      assert.equal(textAfter(m, { kind: 'replace', find: '(?<n>\\d+)', replacement: '[$<n>|$&|$$]', regex: true }), 'id [12|12|$] and [345|345|$]');
      assert.equal(textAfter(message('a\nb'), { kind: 'replace', find: '^', replacement: '> ', regex: true, flags: 'm' }), '> a\n> b');
      assert.equal(textAfter(m, { kind: 'replace', find: '\\d', replacement: '$2', regex: true }), 'id $2$2 and $2$2$2');
    });
    it('keeps styles: a replacement inside bold is bold, text after shifts', () => {
      const m = message('very good deal here', [{ type: 'bold', offset: 5, length: 9 }, { type: 'italic', offset: 15, length: 4 }]);
      const out = forwarded(applyFilters(m, filters({ kind: 'replace', find: 'good', replacement: 'excellent' }), {}));
      assert.equal(out.text.text, 'very excellent deal here');
      assert.deepEqual(out.text.entities.map((e) => [e.type, covered(out, e)]), [['bold', 'excellent deal'], ['italic', 'here']]);
    });
    it('a regex replace out of time drops the message', function () {
      this.timeout(5_000);
      const evil: PairFilter[] = [{ kind: 'replace', find: '(x+x+)+y', replacement: '', regex: true }];
      assert.equal((applyFilters(message('x'.repeat(40)), evil, {}) as { reason?: string }).reason, 'regex_time_budget_exceeded');
    });
  });

  describe('template', () => {
    const context = { sourceChatName: 'News', now: Date.UTC(2025, 0, 2, 3, 4) };
    it('header and footer with placeholders (UTC)', () => {
      const out = forwarded(applyFilters(message('body'), filters({
        kind: 'template', header: '{author} ({author_id}) in {chat} [{chat_id}] via {platform}', footer: 'sent {date} {time}, fwd {forward_date} {forward_time} {{x}}',
      }), context));
      assert.equal(out.text.text, 'Ann (u1) in News [-100123] via telegram\nbody\nsent 2024-03-05 07:08, fwd 2025-01-02 03:04 {x}');
    });
    it('{chat} falls back to the chat id and forward_* to the send time', () => {
      assert.equal(textAfter(message('b'), { kind: 'template', footer: '{chat} {forward_date}' }), `b\n-100123 ${new Date(SENT_AT).toISOString().slice(0, 10)}`);
    });
    it('entities move with the text, and added lines are unstyled', () => {
      const out = forwarded(applyFilters(message('bold', [{ type: 'bold', offset: 0, length: 4 }]), filters({ kind: 'template', header: 'H', footer: 'F' }), {}));
      assert.equal(out.text.text, 'H\nbold\nF');
      assert.deepEqual(out.text.entities, [{ type: 'bold', offset: 2, length: 4 }]);
    });
    it('caption applies to media messages only; {text} keeps the styled original', () => {
      const f = { kind: 'template', caption: '📷 {text} — {author}' };
      const photo = message('nice view', [{ type: 'italic', offset: 5, length: 4 }], { attachments: [attachment('photo')] });
      const out = forwarded(applyFilters(photo, filters(f), {}));
      assert.equal(out.text.text, '📷 nice view — Ann');
      assert.deepEqual(out.text.entities.map((e) => covered(out, e)), ['view']);
      assert.equal(textAfter(message('plain'), f), 'plain');
      const twice = forwarded(applyFilters(photo, filters({ kind: 'template', caption: '{text} / {text}' }), {}));
      assert.equal(twice.text.text, 'nice view / nice view');
      assert.deepEqual(twice.text.entities, [{ type: 'italic', offset: 5, length: 4 }], 'only the first {text} keeps styles');
    });
    it('a caption without {text} replaces the caption; a header fills an empty one', () => {
      assert.equal(textAfter(message('old', [], { attachments: [attachment('video')] }), { kind: 'template', caption: 'new' }), 'new');
      assert.equal(textAfter(message('', [], { attachments: [attachment('photo')] }), { kind: 'template', header: 'H', footer: 'F' }), 'H\nF');
    });
  });

  describe('remove_links', () => {
    const cases: Array<[string, string]> = [
      ['see https://x.example now', 'see now'],
      ['read https://x.example.', 'read.'],
      ['(see https://en.wikipedia.org/wiki/Foo_(bar))', '(see)'],
      ['a\nhttps://x.example\nb', 'a\nb'],
      ['x https://a.example https://b.example', 'x'],
      ['www.example.org/p?q=1 t.me/chan <https://y.example> ok', 'ok'],
      ['mail ann@example.com', 'mail ann@example.com'],
    ];
    for (const [input, expected] of cases) {
      it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
        assert.equal(textAfter(message(input), { kind: 'remove_links' }), expected);
      });
    }
    it('link entities become plain text; other styles stay in place', () => {
      const m = message('click here or https://x.example then bold', [
        { type: 'link', offset: 0, length: 10, url: 'https://hidden.example' },
        { type: 'bold', offset: 37, length: 4 },
      ]);
      const out = forwarded(applyFilters(m, filters({ kind: 'remove_links' }), {}));
      assert.equal(out.text.text, 'click here or then bold');
      assert.deepEqual(out.text.entities.map((e) => [e.type, covered(out, e)]), [['bold', 'bold']]);
    });
    it('a message that was only a link is dropped; a photo keeps going with an empty caption', () => {
      assert.deepEqual(drop(message('https://x.example'), { kind: 'remove_links' }), {
        action: 'drop', reason: 'empty_after_filter', filterIndex: 0, kind: 'remove_links',
      });
      assert.equal(textAfter(message('https://x.example', [], { attachments: [attachment('photo')] }), { kind: 'remove_links' }), '');
    });
  });

  describe('strip_mentions', () => {
    const cases: Array<[string, string]> = [
      ['hi @ann, ok', 'hi, ok'],
      ['@a @b hello', 'hello'],
      ['ping @everyone now', 'ping now'],
      ['thanks @ann.', 'thanks.'],
      ['mail ann@example.com', 'mail ann@example.com'],
    ];
    for (const [input, expected] of cases) {
      it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
        assert.equal(textAfter(message(input), { kind: 'strip_mentions' }), expected);
      });
    }
    it('removes mention entities (display-name mentions) and keeps surrounding styles', () => {
      const mention: TextEntity = { type: 'mention', offset: 6, length: 9, userId: '77' };
      const m = message('hello Ann Smith and welcome', [mention, { type: 'bold', offset: 0, length: 27 }]);
      const out = forwarded(applyFilters(m, filters({ kind: 'strip_mentions' }), {}));
      assert.equal(out.text.text, 'hello and welcome');
      assert.deepEqual(out.text.entities, [{ type: 'bold', offset: 0, length: 17 }]);
    });
  });

  describe('order of application', () => {
    it('runs by kind in FILTER_ORDER, list order within a kind', () => {
      assert.deepEqual(FILTER_ORDER, ['keyword', 'regex', 'media_type', 'replace', 'remove_links', 'strip_mentions', 'template']);
      const list = filters(
        { kind: 'template', footer: 'more at https://mine.example by @me' },
        { kind: 'strip_mentions' },
        { kind: 'remove_links' },
        { kind: 'replace', find: 'dog', replacement: 'cow' },
        { kind: 'replace', find: 'cat', replacement: 'dog' },
        { kind: 'keyword', mode: 'include', words: ['cat'] },
      );
      const outcome = applyFilters(message('cat https://x.example @you'), list, {});
      // The keyword judges the text as sent; dog→cow (index 3) runs before cat→dog (index 4), so no cow;
      // the footer's link and mention come after remove_links and strip_mentions, so they stay.
      assert.deepEqual(outcome, {
        action: 'forward',
        message: message('dog\nmore at https://mine.example by @me'),
        applied: ['replace#4', 'remove_links#2', 'strip_mentions#1', 'template#0'],
      });
    });
    it('a drop stops the run at the first deciding filter', () => {
      const outcome = applyFilters(message('spam'), filters({ kind: 'remove_links' }, { kind: 'keyword', mode: 'exclude', words: ['spam'] }), {});
      assert.equal(outcome.action === 'drop' && outcome.filterIndex, 1);
    });
    it('no filters forward the message as is; the input is never modified', () => {
      const m = message('x https://a.example', [{ type: 'bold', offset: 0, length: 1 }]);
      const copy = structuredClone(m);
      assert.deepEqual(applyFilters(m, [], {}), { action: 'forward', message: m, applied: [] });
      applyFilters(m, filters({ kind: 'remove_links' }, { kind: 'template', header: 'h' }), {});
      assert.deepEqual(m, copy);
    });
  });
});
