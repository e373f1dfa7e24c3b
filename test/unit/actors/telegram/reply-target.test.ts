import assert from 'node:assert/strict';
import { inputReplyTo, topicMessageId, topicNotice } from '../../../../actors/platform/telegram/reply-target.ts';

function shape(r: ReturnType<typeof inputReplyTo>): unknown {
  return r === undefined ? undefined : { replyToMsgId: r.replyToMsgId, topMsgId: r.topMsgId };
}

describe('Telegram reply target', () => {
  it('a plain post names nothing; General (topic 1) is the chat itself', () => {
    assert.equal(inputReplyTo(undefined, undefined), undefined);
    assert.equal(inputReplyTo(undefined, '1'), undefined);
    assert.equal(topicMessageId('1'), undefined);
    assert.equal(topicMessageId(undefined), undefined);
  });

  it('a post into a topic replies to the topic\'s opening message', () => {
    assert.deepEqual(shape(inputReplyTo(undefined, '7')), { replyToMsgId: 7, topMsgId: undefined });
    assert.equal(topicMessageId('7'), 7);
  });

  it('a reply names the message answered, and the topic as top_msg_id', () => {
    assert.deepEqual(shape(inputReplyTo('42', undefined)), { replyToMsgId: 42, topMsgId: undefined });
    assert.deepEqual(shape(inputReplyTo(42, '7')), { replyToMsgId: 42, topMsgId: 7 });
    assert.deepEqual(shape(inputReplyTo('42', '1')), { replyToMsgId: 42, topMsgId: undefined });
  });

  it('ids that are not Telegram message ids are left out', () => {
    assert.equal(inputReplyTo('1234567890123456789', undefined), undefined, 'a Discord snowflake');
    assert.equal(inputReplyTo('0', 'x'), undefined);
    assert.deepEqual(shape(inputReplyTo('abc', '7')), { replyToMsgId: 7, topMsgId: undefined });
  });

  it('topic refusals become a notice on the pair; other errors do not', () => {
    for (const name of ['TOPIC_ID_INVALID', 'TOPIC_DELETED', 'TOPIC_CLOSED']) assert.equal(topicNotice(name)?.code, 'destination_topic_unavailable');
    assert.equal(topicNotice('TOPIC_CLOSED')?.message, 'The destination topic is closed, and the account is not an admin of the chat: pick another topic or reopen it');
    assert.equal(topicNotice('CHAT_WRITE_FORBIDDEN'), null);
  });
});
