import assert from 'node:assert/strict';
import type { FakeMessage } from '../../fakes/discord/discord-fake.ts';
import { redisRuntimeNotifier } from '../../../src/api/runtime-notifier.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

const SUPPRESS_NOTIFICATIONS = 1 << 12;

/** What the destination shows, bots' and webhooks' posts only. */
function posted(world: ForwardingWorld, channelId: string, authorIds: readonly string[]): FakeMessage[] {
  return world.fake.messages(channelId).filter((m) => m.webhookId !== null || authorIds.includes(m.authorId));
}

describe('forwarding Discord to Discord through the supervisor (real discord.js, Discord fake)', function () {
  this.timeout(60_000);
  let world: ForwardingWorld;
  let owner: string;
  let botA: Awaited<ReturnType<ForwardingWorld['bot']>>;
  let botB: Awaited<ReturnType<ForwardingWorld['bot']>>;
  const chats = {} as Record<'src' | 'plain' | 'silent' | 'copy' | 'filtered' | 'chainMid' | 'chainEnd' | 'long', string>;
  const pairs = {} as Record<string, string>;
  const authors = (): string[] => [botA.botId, botB.botId];
  const pairLoaded = (id: string): boolean => world.runtime!.pairs!.pair(id) !== undefined;

  before(async () => {
    world = await ForwardingWorld.create('fwd_dc');
    owner = await world.user('elite');
    botA = await world.bot(owner, 'reader');
    botB = await world.bot(owner, 'writer');
    for (const key of Object.keys({ src: 0, plain: 0, silent: 0, copy: 0, filtered: 0, chainMid: 0, chainEnd: 0, long: 0 }) as (keyof typeof chats)[]) {
      chats[key] = world.channel(key);
    }
    const from = { accountId: botA.accountId, chatId: chats.src };
    pairs.plain = await world.pair({ userId: owner, source: from, destination: { accountId: botB.accountId, chatId: chats.plain } });
    pairs.silent = await world.pair({ userId: owner, source: from, destination: { accountId: botB.accountId, chatId: chats.silent }, silent: true });
    pairs.copy = await world.pair({ userId: owner, source: from, destination: { accountId: botB.accountId, chatId: chats.copy }, copyMode: true });
    pairs.filtered = await world.pair({
      userId: owner, source: from, destination: { accountId: botB.accountId, chatId: chats.filtered },
      filters: [
        { kind: 'keyword', mode: 'exclude', words: ['spam'] },
        { kind: 'replace', find: 'colour', replacement: 'color' },
      ],
    });
    // A chain src -> chainMid -> chainEnd -> src: the last hop would loop back and must stop.
    pairs.chain1 = await world.pair({ userId: owner, source: from, destination: { accountId: botB.accountId, chatId: chats.chainMid }, chain: true });
    pairs.chain2 = await world.pair({ userId: owner, source: { accountId: botA.accountId, chatId: chats.chainMid }, destination: { accountId: botB.accountId, chatId: chats.chainEnd }, chain: true });
    pairs.chain3 = await world.pair({ userId: owner, source: { accountId: botA.accountId, chatId: chats.chainEnd }, destination: { accountId: botB.accountId, chatId: chats.src } });
    await world.start();
    await world.running(2);
  });

  after(async () => {
    await world?.close();
  });

  it('forwards a message in plain, silent and copy modes, and transforms or drops it by the pair\'s filters', async () => {
    const source = world.fake.postAsUser(chats.src, { content: 'the colour is **blue**' });
    await waitFor('plain copy', () => posted(world, chats.plain, authors()).length === 1);
    await waitFor('silent copy', () => posted(world, chats.silent, authors()).length === 1);
    await waitFor('copy-mode copy', () => posted(world, chats.copy, authors()).length === 1);
    await waitFor('filtered copy', () => posted(world, chats.filtered, authors()).length === 1);
    const plain = posted(world, chats.plain, authors())[0]!;
    assert.match(plain.content, /the colour is \*\*blue\*\*/);
    assert.equal(plain.authorId, botB.botId);
    assert.equal(plain.flags & SUPPRESS_NOTIFICATIONS, 0);
    assert.equal(posted(world, chats.silent, authors())[0]!.flags & SUPPRESS_NOTIFICATIONS, SUPPRESS_NOTIFICATIONS);
    const copy = posted(world, chats.copy, authors())[0]!;
    assert.notEqual(copy.webhookId, null, 'copy mode posts through a webhook');
    const authorName = /^\*\*(.+?)\*\* forwarded/.exec(plain.content)?.[1];
    assert.ok(authorName, 'a plain copy names the author');
    assert.equal(copy.webhookName, authorName, 'the webhook posts under the original author\'s name');
    assert.equal(copy.content.includes('forwarded:'), false, 'a copy carries no forwarding header');
    void source;
    assert.match(posted(world, chats.filtered, authors())[0]!.content, /the color is \*\*blue\*\*/);

    world.fake.postAsUser(chats.src, { content: 'buy spam now' });
    world.fake.postAsUser(chats.src, { content: 'after the spam' });
    await waitFor('two more plain copies', () => posted(world, chats.plain, authors()).length === 3);
    await waitFor('filtered pair delivers the second only', () => posted(world, chats.filtered, authors()).length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(posted(world, chats.filtered, authors()).length, 1, 'both later messages hold "spam": dropped');
  });

  it('makes edits, deletes and replies follow the source', async () => {
    const first = world.fake.postAsUser(chats.src, { content: 'original text' });
    await waitFor('copy', () => posted(world, chats.plain, authors()).some((m) => m.content.includes('original text')));
    const reply = world.fake.postAsUser(chats.src, { content: 'a reply', replyTo: first.id });
    await waitFor('reply copy', () => posted(world, chats.plain, authors()).some((m) => m.content.includes('a reply')));
    const copyOfFirst = posted(world, chats.plain, authors()).find((m) => m.content.includes('original text'))!;
    const copyOfReply = posted(world, chats.plain, authors()).find((m) => m.content.includes('a reply'))!;
    assert.equal(copyOfReply.reference?.messageId, copyOfFirst.id, 'the reply points at the copy');

    world.fake.editAsUser(chats.src, first.id, 'edited text');
    await waitFor('edit applied', () => world.fake.message(copyOfFirst.id)?.content.includes('edited text') === true);
    world.fake.deleteAsUser(chats.src, reply.id);
    await waitFor('delete applied', () => world.fake.message(copyOfReply.id) === undefined);
  });

  it('deletes the copies of messages a moderator purged (one bulk delete) in the source', async () => {
    const sources = [0, 1, 2].map((i) => world.fake.postAsUser(chats.src, { content: `purged ${i}` }));
    const copies = () => posted(world, chats.plain, authors()).filter((m) => /purged \d/.test(m.content));
    await waitFor('three copies', () => copies().length === 3);
    const copyIds = copies().map((m) => m.id);
    const survivor = world.fake.postAsUser(chats.src, { content: 'survives the purge' });
    await waitFor('survivor copied', () => posted(world, chats.plain, authors()).some((m) => m.content.includes('survives the purge')));
    world.fake.purgeAsModerator(chats.src, sources.map((m) => m.id));
    await waitFor('the three copies deleted', () => copyIds.every((id) => world.fake.message(id) === undefined));
    assert.ok(world.fake.message(survivor.id) !== undefined);
    assert.ok(posted(world, chats.plain, authors()).some((m) => m.content.includes('survives the purge')), 'the other copy stays');
  });

  it('posts a message its filters dropped once an edit makes it pass, then edits that copy', async () => {
    const offers = () => posted(world, chats.filtered, authors()).filter((m) => m.content.includes('offer'));
    const spam = world.fake.postAsUser(chats.src, { content: 'spam offer inside' });
    await waitFor('plain copy', () => posted(world, chats.plain, authors()).some((m) => m.content.includes('spam offer inside')));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(offers().length, 0, 'dropped by the filter');

    world.fake.editAsUser(chats.src, spam.id, 'a fair offer inside');
    await waitFor('posted as new', () => posted(world, chats.filtered, authors()).some((m) => m.content.includes('a fair offer inside')));
    world.fake.editAsUser(chats.src, spam.id, 'a fair offer, corrected');
    await waitFor('its copy edited', () => posted(world, chats.filtered, authors()).some((m) => m.content.includes('a fair offer, corrected')));
    assert.equal(offers().length, 1, 'one copy, edited in place');
  });

  it('chains a delivery into the next pair and stops the loop back to the source', async () => {
    world.fake.postAsUser(chats.src, { content: 'chained hello' });
    await waitFor('first hop', () => posted(world, chats.chainMid, authors()).some((m) => m.content.includes('chained hello')));
    await waitFor('second hop', () => posted(world, chats.chainEnd, authors()).some((m) => m.content.includes('chained hello')));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(posted(world, chats.src, authors()).filter((m) => m.content.includes('chained hello')).length, 0, 'the loop back to the source is stopped');
    assert.ok(world.runtime!.engine!.counters.skipped.loop >= 1);
  });

  it('splits a long message at the 2,000-character limit and edits every part later', async () => {
    // Added as the API adds one: the row, then the announcement the runtime acts on.
    const long = await world.pair({ userId: owner, source: { accountId: botA.accountId, chatId: chats.src }, destination: { accountId: botB.accountId, chatId: chats.long } });
    await redisRuntimeNotifier(world.redis, world.prefix).notify({ kind: 'pair', id: long, userId: owner, action: 'upsert' });
    await waitFor('the runtime loaded the new pair', () => pairLoaded(long));
    const words = Array.from({ length: 700 }, (_, i) => `word${i}`).join(' ');
    const source = world.fake.postAsUser(chats.src, { content: words });
    await waitFor('long copy in parts', () => posted(world, chats.long, authors()).length >= 3);
    const parts = posted(world, chats.long, authors());
    for (const part of parts) assert.ok(part.content.length <= 2_000);
    assert.ok(parts.map((p) => p.content).join(' ').includes('word0'));
    assert.ok(parts.map((p) => p.content).join(' ').includes('word699'));
    world.fake.editAsUser(chats.src, source.id, 'short now');
    await waitFor('edited down to one part', () => posted(world, chats.long, authors()).length === 1);
    assert.match(posted(world, chats.long, authors())[0]!.content, /short now/);
  });
});
