/** What routing and the plan tell a Telegram destination about forwarding natively (pure). */
import assert from 'node:assert/strict';
import { PLANS } from '../../../config/plans.ts';
import { allowsCopyFallback } from '../../../src/domain/plans/plan-rules.ts';
import type { NeutralMessage } from '../../../src/forwarding/message/neutral-message.ts';
import { decodePayload } from '../../../src/forwarding/routing/forward-payload.ts';
import type { PairView } from '../../../src/forwarding/routing/pair-view.ts';
import { changedByFilters, routeEvent, type FilterMessage } from '../../../src/forwarding/routing/route-message.ts';
import { NoticeThrottle } from '../../../src/forwarding/store/notice-throttle.ts';

const message = (text = 'hello'): NeutralMessage => ({
  platform: 'telegram', chatId: '-100S', messageId: '10', author: { id: 'u1', name: 'Ann' },
  text: { text, entities: [] }, attachments: [], at: 1,
});

const pair = (over: Partial<PairView> = {}): PairView => ({
  id: 'p1', userId: 'user-1',
  source: { platform: 'telegram', accountId: 'tg-a', chatId: '-100S' },
  destination: { platform: 'telegram', accountId: 'tg-a', chatId: '-100D' },
  delayMs: 0, silent: false, copyMode: false, chain: false, filters: [], status: 'active', ...over,
});

function routed(p: PairView, filter: FilterMessage = (m) => ({ action: 'forward', message: m })) {
  const out = routeEvent({
    event: { kind: 'new', chatId: '-100S', messageId: '10', message: message() }, pairs: [p], filter, now: 1, newId: () => 't',
    planOf: () => ({ tier: 'pro', features: PLANS.pro.features }),
  });
  return decodePayload(out.tasks[0]!.payloadRef).message!;
}

describe('forwarding hints (pure)', () => {
  it('marks content the filters changed, and nothing else', () => {
    assert.equal(changedByFilters(message(), message()), false);
    assert.equal(changedByFilters(message(), message('hello [footer]')), true);
    assert.equal(changedByFilters(message(), { ...message(), text: { text: 'hello', entities: [{ type: 'bold', offset: 0, length: 5 }] } }), true);
    assert.equal(routed(pair()).contentChanged, undefined);
    assert.equal(routed(pair(), (m) => ({ action: 'forward', message: { ...m, text: { text: 'changed', entities: [] } } })).contentChanged, true);
  });

  it('marks a pair whose sending account reads the source itself', () => {
    assert.equal(routed(pair()).sentByReader, true);
    assert.equal(routed(pair({ destination: { platform: 'telegram', accountId: 'tg-b', chatId: '-100D' } })).sentByReader, undefined);
  });

  it('lets a copy stand in for a refused forward only where the plan has copy mode', () => {
    assert.equal(allowsCopyFallback(PLANS.free), false);
    assert.equal(allowsCopyFallback(PLANS.pro), true);
    assert.equal(allowsCopyFallback(PLANS.elite), true);
  });

  it('writes a pair\'s notice at most once per interval, per pair, remembering a bounded number of pairs', () => {
    const throttle = new NoticeThrottle(60_000, 2);
    assert.equal(throttle.take('a', 0), true);
    assert.equal(throttle.take('a', 59_999), false);
    assert.equal(throttle.take('b', 1), true);
    assert.equal(throttle.take('a', 60_000), true);
    assert.equal(throttle.take('c', 60_001), true);
    // 'b' was the oldest and was forgotten: it may write again early.
    assert.equal(throttle.take('b', 60_002), true);
    assert.equal(throttle.take('c', 60_003), false);
  });
});
