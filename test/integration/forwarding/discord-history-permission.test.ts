/**
 * A reading bot without Read Message History: Discord answers its catch-up
 * with no messages rather than an error (the fake does the same), so what
 * was posted while it was away would vanish without a word. The adapter
 * sees the permission in the channel's overwrites and puts
 * `source_history_unreadable` on the pair; live messages still flow. Real
 * supervisor and discord.js.
 */
import assert from 'node:assert/strict';
import { ForwardingWorld, waitFor, type BotPair } from './forwarding-fixture.ts';

describe('a Discord source whose history the bot may not read (real discord.js, Discord fake)', function () {
  this.timeout(60_000);
  let world: ForwardingWorld;
  let set: BotPair;

  before(async () => {
    world = await ForwardingWorld.create('fwd_history');
    set = await world.botPair('pro');
    await world.start();
    await world.running(2);
  });

  after(async () => {
    await world?.close();
  });

  const copies = () => world.fake.messages(set.dst).map((m) => /\b(before|away|live)\b/.exec(m.content)?.[1]);

  it('reports the missed catch-up on the pair instead of an empty one, and goes on with live messages', async () => {
    world.fake.postAsUser(set.src, { content: 'before' });
    await waitFor('the first copy', () => copies().length === 1, 20_000);
    await world.stop();
    world.fake.setPermission(set.reader.botId, set.src, 'read_history', false);
    world.fake.postAsUser(set.src, { content: 'away' });
    await world.start();
    await world.running(2);
    await waitFor('the pair\'s notice', async () => {
      const rows = await world.sql.all<{ delivery_notice: { code: string } | null }>(
        `select delivery_notice from ${world.sql.table('forwarding_pairs')} where id = ?`, [set.pairId]);
      return rows[0]?.delivery_notice?.code === 'source_history_unreadable';
    }, 20_000);
    world.fake.postAsUser(set.src, { content: 'live' });
    await waitFor('the live copy', () => copies().length === 2, 20_000);
    assert.deepEqual(copies(), ['before', 'live'], 'the message posted while away is reported missing, not silently dropped');
  });
});
