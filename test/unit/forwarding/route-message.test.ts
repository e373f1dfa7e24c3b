import assert from 'node:assert/strict';
import { PLANS } from '../../../config/plans.ts';
import type { NeutralMessage } from '../../../src/forwarding/message/neutral-message.ts';
import { decodePayload } from '../../../src/forwarding/routing/forward-payload.ts';
import { compareMessageIds, laterMessageId } from '../../../src/forwarding/routing/message-id-order.ts';
import type { PairView } from '../../../src/forwarding/routing/pair-view.ts';
import { chainTargets, routeEvent, type FilterMessage, type SourceEvent } from '../../../src/forwarding/routing/route-message.ts';

const message = (id: string, text = 'hello', extra: Partial<NeutralMessage> = {}): NeutralMessage => ({
  platform: 'discord', chatId: 'S', messageId: id, author: { id: 'u1', name: 'Ann' },
  text: { text, entities: [] }, attachments: [], at: 1, ...extra,
});

function pair(id: string, over: Partial<PairView> = {}): PairView {
  return {
    id, userId: 'user-1',
    source: { platform: 'discord', accountId: 'bot-a', chatId: 'S' },
    destination: { platform: 'discord', accountId: 'bot-b', chatId: `D-${id}` },
    delayMs: 0, silent: false, copyMode: false, chain: false, filters: [], status: 'active', ...over,
  };
}

const keepAll: FilterMessage = (m) => ({ action: 'forward', message: m });
let n = 0;
const route = (event: SourceEvent, pairs: PairView[], filter = keepAll, plan = PLANS.pro) => routeEvent({
  event, pairs, filter, now: 1_000, newId: () => `task-${++n}`, planOf: () => ({ tier: plan.tier, features: plan.features }),
});

describe('forwarding routing (pure)', () => {
  it('turns a new message into one send per active pair, at the owner plan\'s tier, sent by the destination account', () => {
    const out = route({ kind: 'new', chatId: 'S', messageId: '10', message: message('10') }, [pair('p1'), pair('p2', { status: 'paused' })]);
    assert.equal(out.tasks.length, 1);
    assert.deepEqual(out.skipped, [{ pairId: 'p2', reason: 'paused' }]);
    const [task] = out.tasks;
    assert.equal(task!.op, 'send');
    assert.equal(task!.tier, 'pro');
    assert.equal(task!.sendingAccountId, 'bot-b');
    assert.equal(task!.idempotencyKey, 'p1:send:S:10');
    const payload = decodePayload(task!.payloadRef);
    assert.deepEqual(payload.chainPath, ['discord:S', 'discord:D-p1']);
    assert.equal(payload.message?.text.text, 'hello');
  });

  it('a pair reading one forum topic takes that topic\'s messages (General: those naming none) and carries the destination topic', () => {
    const tg = (topicId: string | undefined) => message('30', 'x', { platform: 'telegram', ...(topicId === undefined ? {} : { topicId }) });
    const pairs = [
      pair('t5', { source: { platform: 'telegram', accountId: 'a', chatId: 'S', topicId: '5' }, destination: { platform: 'telegram', accountId: 'b', chatId: 'D', topicId: '9' } }),
      pair('general', { source: { platform: 'telegram', accountId: 'a', chatId: 'S', topicId: '1' } }),
      pair('whole', { source: { platform: 'telegram', accountId: 'a', chatId: 'S' } }),
    ];
    const inTopic = route({ kind: 'new', chatId: 'S', messageId: '30', message: tg('5') }, pairs);
    assert.deepEqual(inTopic.tasks.map((t) => t.pairId), ['t5', 'whole']);
    assert.deepEqual(inTopic.skipped, [{ pairId: 'general', reason: 'other_topic' }]);
    assert.deepEqual(decodePayload(inTopic.tasks[0]!.payloadRef).destination, { platform: 'telegram', accountId: 'b', chatId: 'D', topicId: '9' });
    const inGeneral = route({ kind: 'new', chatId: 'S', messageId: '30', message: tg(undefined) }, pairs);
    assert.deepEqual(inGeneral.tasks.map((t) => t.pairId), ['general', 'whole']);
    // Telegram's delete names no topic: every pair gets it and finds a copy only where there is one.
    const deleted = route({ kind: 'delete', chatId: 'S', messageId: '30' }, pairs);
    assert.equal(deleted.tasks.length, 3);
  });

  it('names the source topic on the sends and edits of a pair that maps topics, but not General\'s, nor for other pairs', () => {
    const mapping = pair('map', { source: { platform: 'telegram', accountId: 'a', chatId: 'S' }, mapTopics: true });
    const plain = pair('plain', { source: { platform: 'telegram', accountId: 'a', chatId: 'S' } });
    const tg = (topicId: string | undefined) => message('40', 'x', { platform: 'telegram', ...(topicId === undefined ? {} : { topicId }) });
    const topicOfTask = (event: SourceEvent) => route(event, [mapping, plain]).tasks.map((t) => decodePayload(t.payloadRef).sourceTopicId);
    assert.deepEqual(topicOfTask({ kind: 'new', chatId: 'S', messageId: '40', message: tg('5') }), ['5', undefined]);
    assert.deepEqual(topicOfTask({ kind: 'edit', chatId: 'S', messageId: '40', message: tg('5') }), ['5', undefined]);
    assert.deepEqual(topicOfTask({ kind: 'new', chatId: 'S', messageId: '41', message: tg(undefined) }), [undefined, undefined]);
    assert.deepEqual(topicOfTask({ kind: 'delete', chatId: 'S', messageId: '40' }), [undefined, undefined]);
  });

  it('judges an album once, as one message, and carries its parts\' ids to the send', () => {
    const album = message('20', 'holiday', {
      partIds: ['20', '21', '22'], groupId: '77',
      attachments: ['a', 'b', 'c'].map((name) => ({ kind: 'photo' as const, url: '', fileName: `${name}.jpg`, sizeBytes: 1 })),
    });
    const judged: NeutralMessage[] = [];
    const counting: FilterMessage = (m) => {
      judged.push(m);
      return m.text.text.includes('holiday') ? { action: 'drop', reason: 'keyword' } : { action: 'forward', message: m };
    };
    const dropped = route({ kind: 'new', chatId: 'S', messageId: '20', message: album }, [pair('p1')], counting);
    assert.equal(judged.length, 1);
    assert.equal(judged[0]!.attachments.length, 3);
    assert.deepEqual(dropped.tasks, []);
    const sent = route({ kind: 'new', chatId: 'S', messageId: '20', message: album }, [pair('p1')]);
    const payload = decodePayload(sent.tasks[0]!.payloadRef);
    assert.deepEqual(payload.source.partIds, ['20', '21', '22']);
    assert.deepEqual(payload.message?.source.partIds, ['20', '21', '22']);
    assert.equal(payload.message?.attachments.length, 3);
  });

  it('carries the pair\'s delay, silent and copy modes, and the source reply', () => {
    const out = route({ kind: 'new', chatId: 'S', messageId: '11', message: message('11', 'x', { replyToMessageId: '10' }) },
      [pair('p1', { delayMs: 5_000, silent: true, copyMode: true })]);
    const task = out.tasks[0]!;
    assert.equal(task.notBefore, 6_000);
    const payload = decodePayload(task.payloadRef);
    assert.equal(payload.message?.silent, true);
    assert.equal(payload.message?.copyMode, true);
    assert.equal(payload.replyToSourceMessageId, '10');
  });

  it('keeps mentions within a platform and turns them into plain text across platforms', () => {
    const withMention = message('13', '@Ann hi', { text: { text: '@Ann hi', entities: [{ type: 'mention', offset: 0, length: 4, userId: '42' }] } });
    const same = route({ kind: 'new', chatId: 'S', messageId: '13', message: withMention }, [pair('p1')]);
    assert.equal(decodePayload(same.tasks[0]!.payloadRef).message?.text.entities.length, 1);
    const cross = route({ kind: 'new', chatId: 'S', messageId: '13', message: withMention },
      [pair('p2', { destination: { platform: 'telegram', accountId: 'tg-1', chatId: '-100' } })]);
    const text = decodePayload(cross.tasks[0]!.payloadRef).message?.text;
    assert.equal(text?.text, '@Ann hi');
    assert.deepEqual(text?.entities, []);
  });

  it('drops what a filter drops, with the reason', () => {
    const dropAll: FilterMessage = () => ({ action: 'drop', reason: 'keyword "spam"' });
    const out = route({ kind: 'new', chatId: 'S', messageId: '12', message: message('12') }, [pair('p1')], dropAll);
    assert.deepEqual(out.tasks, []);
    assert.deepEqual(out.skipped, [{ pairId: 'p1', reason: 'filtered', detail: 'keyword "spam"' }]);
  });

  it('gives each edit its own key (two edits are two tasks) and a delete needs no message', () => {
    const e1 = route({ kind: 'edit', chatId: 'S', messageId: '12', message: message('12', 'a', { editedAt: 5 }) }, [pair('p1')]);
    const e2 = route({ kind: 'edit', chatId: 'S', messageId: '12', message: message('12', 'b', { editedAt: 6 }) }, [pair('p1')]);
    assert.notEqual(e1.tasks[0]!.idempotencyKey, e2.tasks[0]!.idempotencyKey);
    const d = route({ kind: 'delete', chatId: 'S', messageId: '12' }, [pair('p1')]);
    assert.equal(d.tasks[0]!.op, 'delete');
    assert.equal(decodePayload(d.tasks[0]!.payloadRef).message, undefined);
  });

  it('stops a message coming back to a chat it already passed', () => {
    const back = pair('p9', { source: { platform: 'discord', accountId: 'bot-b', chatId: 'X' }, destination: { platform: 'discord', accountId: 'bot-a', chatId: 'S' } });
    const out = route({ kind: 'new', chatId: 'X', messageId: '1', message: message('1'), chainPath: ['discord:S', 'discord:X'] }, [back]);
    assert.equal(out.tasks.length, 0);
    assert.equal(out.skipped[0]!.reason, 'loop');
    const self = pair('p8', { destination: { platform: 'discord', accountId: 'bot-a', chatId: 'S' } });
    assert.equal(route({ kind: 'new', chatId: 'S', messageId: '2', message: message('2') }, [self]).skipped[0]!.reason, 'loop');
  });

  it('chains only from a chaining pair, into the same owner\'s pairs, when the plan has chains', () => {
    const from = pair('p1', { chain: true });
    const readers = [pair('p2'), pair('p3', { userId: 'someone-else' })];
    assert.deepEqual(chainTargets(from, readers, { tier: 'pro', features: PLANS.pro.features }).pairs.map((p) => p.id), ['p2']);
    const free = chainTargets(from, readers, { tier: 'free', features: PLANS.free.features });
    assert.deepEqual(free.pairs, []);
    assert.deepEqual(free.refused, [{ pairId: 'p2', reason: 'chain_not_in_plan' }]);
    assert.deepEqual(chainTargets(pair('p1'), readers, { tier: 'pro', features: PLANS.pro.features }).pairs, []);
  });

  it('orders message ids as integers, snowflakes beyond 2^53 included', () => {
    assert.ok(compareMessageIds('9', '10') < 0);
    assert.ok(compareMessageIds('1180000000000000001', '1180000000000000000') > 0);
    assert.equal(compareMessageIds('42', '42'), 0);
    assert.equal(laterMessageId('5', '7'), '7');
    assert.equal(laterMessageId('8', '7'), '8');
    assert.equal(laterMessageId('8', undefined), '8');
  });
});
