import assert from 'node:assert/strict';
import { CHAT_TOPIC, fallbackTopicTitle, mappedDestination, topicMappingProblem, topicTitleFor } from '../../../src/forwarding/routing/topic-mapping.ts';

describe('topic mapping (pure)', () => {
  const forum = { platform: 'telegram' as const, chatId: '-1001' };

  it('lets a whole Telegram forum map into a whole Telegram or Discord chat', () => {
    assert.equal(topicMappingProblem(forum, { platform: 'discord', chatId: '123' }), null);
    assert.equal(topicMappingProblem(forum, { platform: 'telegram', chatId: '-1002' }), null);
  });

  it('refuses each other shape with its own field and message', () => {
    assert.deepEqual(topicMappingProblem({ platform: 'discord', chatId: '1' }, forum),
      { path: 'source.platform', message: 'Topics are mapped from a Telegram forum: the source must be a Telegram chat' });
    assert.deepEqual(topicMappingProblem({ ...forum, topicId: '5' }, { platform: 'discord', chatId: '1' }),
      { path: 'source.topicId', message: 'A pair that maps topics reads the whole forum: leave source.topicId out' });
    assert.deepEqual(topicMappingProblem(forum, { platform: 'telegram', chatId: '-1002', topicId: '9' }),
      { path: 'destination.topicId', message: 'A pair that maps topics opens topics in the destination chat itself: leave destination.topicId out' });
  });

  it('sends into a Discord thread as its own channel, into a Telegram topic inside the forum', () => {
    assert.deepEqual(mappedDestination('discord', 'parent', 'thread-7'), { chatId: 'thread-7' });
    assert.deepEqual(mappedDestination('telegram', '-1002', '44'), { chatId: '-1002', topicId: '44' });
  });

  it('fits a title to the destination: 100 UTF-16 units on Discord, 128 on Telegram, never cutting a surrogate pair', () => {
    assert.equal(topicTitleFor('discord', '  News  '), 'News');
    assert.equal(topicTitleFor('telegram', ' '), '-');
    const long = 'x'.repeat(150);
    assert.equal(topicTitleFor('discord', long), `${'x'.repeat(99)}…`);
    assert.equal(topicTitleFor('telegram', long), `${'x'.repeat(127)}…`);
    assert.equal(topicTitleFor('discord', 'x'.repeat(100)), 'x'.repeat(100));
    const emoji = `${'x'.repeat(98)}😀😀`;
    const cut = topicTitleFor('discord', emoji);
    assert.equal(cut, `${'x'.repeat(98)}…`, 'the emoji that does not fit whole is left out');
    assert.ok(cut.length <= 100);
    assert.equal(fallbackTopicTitle('12'), 'Topic 12');
    assert.equal(fallbackTopicTitle(CHAT_TOPIC), 'Forwarded messages', 'a post for a whole chat whose title cannot be read');
  });
});
