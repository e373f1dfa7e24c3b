/**
 * The index placing deletes of the common box: the most recent ids, oldest
 * forgotten first, chats no longer watched dropped.
 */
import assert from 'node:assert/strict';
import { MessageChatIndex } from '../../../../actors/platform/telegram/message-chat-index.ts';

describe('MessageChatIndex', () => {
  it('remembers the most recent ids, forgetting the oldest first', () => {
    const index = new MessageChatIndex(3);
    index.remember(1, 'a');
    index.remember(2, 'b');
    index.remember(3, 'a');
    index.remember(1, 'a');
    index.remember(4, 'c');
    assert.equal(index.chatOf(2), undefined, 'the oldest went');
    assert.deepEqual([index.chatOf(1), index.chatOf(3), index.chatOf(4)], ['a', 'a', 'c']);
    assert.equal(index.size, 3);
  });

  it('forgets the chats no longer watched', () => {
    const index = new MessageChatIndex(10);
    index.remember(1, 'a');
    index.remember(2, 'b');
    index.retain(new Set(['b']));
    assert.deepEqual([index.chatOf(1), index.chatOf(2)], [undefined, 'b']);
  });
});
