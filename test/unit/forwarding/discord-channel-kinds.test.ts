import assert from 'node:assert/strict';
import {
  destinationKindProblem, discordChannelKind, holdsPostsOnly, sourceKindProblem,
} from '../../../src/forwarding/routing/discord-channel-kinds.ts';

describe('Discord channel kinds (pure)', () => {
  it('names each of Discord\'s channel types, and an unknown one as such', () => {
    const kinds = [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 16, 99].map(discordChannelKind);
    assert.deepEqual(kinds, [
      'text', 'dm', 'voice', 'dm', 'category', 'announcement', 'thread', 'thread', 'thread', 'stage', 'directory', 'forum', 'media', 'unknown',
    ]);
  });

  it('takes text, announcement, forum and media channels, threads and kinds Discord may add as destinations', () => {
    for (const kind of ['text', 'announcement', 'thread', 'forum', 'media', 'unknown'] as const) assert.equal(destinationKindProblem(kind), null, kind);
    assert.ok(holdsPostsOnly('forum') && holdsPostsOnly('media'));
    assert.ok(!holdsPostsOnly('text') && !holdsPostsOnly('thread'));
  });

  it('refuses destinations nobody can post to, saying why and what to pick', () => {
    assert.equal(destinationKindProblem('category'),
      'The destination is a category, which holds no messages: pick a text, announcement, forum or media channel, or a thread');
    assert.match(destinationKindProblem('directory')!, /^The destination is a directory channel, which holds no messages/);
    assert.equal(destinationKindProblem('voice'),
      'The destination is a voice channel: messages are not forwarded into a call\'s chat; pick a text, announcement, forum or media channel, or a thread');
    assert.match(destinationKindProblem('stage')!, /^The destination is a stage channel: messages are not forwarded/);
  });

  it('reads every kind that holds messages, a forum\'s posts included; refuses categories and directories as sources', () => {
    for (const kind of ['text', 'announcement', 'thread', 'forum', 'media', 'voice', 'stage', 'unknown'] as const) assert.equal(sourceKindProblem(kind), null, kind);
    assert.equal(sourceKindProblem('category'), 'The source is a category, which holds no messages: pick a channel or thread people post in');
    assert.match(sourceKindProblem('directory')!, /^The source is a directory channel/);
  });
});
