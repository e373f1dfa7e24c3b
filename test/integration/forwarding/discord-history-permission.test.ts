/**
 * A reading bot without Read Message History: Discord answers its catch-up
 * with no messages rather than an error (the fake does the same), so what
 * was posted while it was away would vanish without a word. The adapter
 * sees the permission in the channel's overwrites and puts
 * `source_history_unreadable` on the pair; live messages still flow. Real
 * supervisor and discord.js.
 */
import assert from 'node:assert/strict';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

describe('a Discord source whose history the bot may not read (real discord.js, Discord fake)', function () {
  this.timeout(60_000);
  let world: ForwardingWorld;
  let reader: Awaited<ReturnType<ForwardingWorld['bot']>>;
  let writer: Awaited<ReturnType<ForwardingWorld['bot']>>;
  const ch = { src: '', dst: '' };
  let pairId = '';

  before(async () => {
    world = await ForwardingWorld.create('fwd_history');
    const owner = await world.user('pro');
    reader = await world.bot(owner, 'reader');
    writer = await world.bot(owner, 'writer');
    ch.src = world.channel('src');
    ch.dst = world.channel('dst');
    pairId = await world.pair({ userId: owner, source: { accountId: reader.accountId, chatId: ch.src }, destination: { accountId: writer.accountId, chatId: ch.dst } });
    await world.start();
    await world.running(2);
  });

  after(async () => {
    await world?.close();
  });

  const copies = () => world.fake.messages(ch.dst).map((m) => /\b(before|away|live)\b/.exec(m.content)?.[1]);

  it('reports the missed catch-up on the pair instead of an empty one, and goes on with live messages', async () => {
    world.fake.postAsUser(ch.src, { content: 'before' });
    await waitFor('the first copy', () => copies().length === 1, 20_000);
    await world.stop();
    world.fake.setPermission(reader.botId, ch.src, 'read_history', false);
    world.fake.postAsUser(ch.src, { content: 'away' });
    await world.start();
    await world.running(2);
    await waitFor('the pair\'s notice', async () => {
      const rows = await world.sql.all<{ delivery_notice: { code: string } | null }>(
        `select delivery_notice from ${world.sql.table('forwarding_pairs')} where id = ?`, [pairId]);
      return rows[0]?.delivery_notice?.code === 'source_history_unreadable';
    }, 20_000);
    world.fake.postAsUser(ch.src, { content: 'live' });
    await waitFor('the live copy', () => copies().length === 2, 20_000);
    assert.deepEqual(copies(), ['before', 'live'], 'the message posted while away is reported missing, not silently dropped');
  });
});
