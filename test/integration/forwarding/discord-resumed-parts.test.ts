/**
 * A copy-mode message split in parts whose send fails part-way (webhook
 * executions carry no nonce) is resumed at the next part by the retry, not
 * posted again from the first, also when the retry runs on a restarted
 * supervisor: through the supervisor, real discord.js, the Discord fake
 * with its modelled rate limits on.
 */
import assert from 'node:assert/strict';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

describe('forwarding resumes a message split in parts where it failed (real discord.js, Discord fake)', function () {
  this.timeout(60_000);
  let world: ForwardingWorld;
  const ch = { src: '', dst: '' };
  let pairId = '';

  before(async () => {
    world = await ForwardingWorld.create('fwd_parts');
    ({ src: ch.src, dst: ch.dst, pairId } = await world.botPair('elite', { copyMode: true }));
    await world.start();
    await world.running(2);
  });

  after(async () => {
    await world?.close();
  });

  it('delivers a 3-part copy-mode message whose part 2 fails (twice) as exactly 3 messages, linked in order', async () => {
    // The first execution (part 1) goes through; the next two (part 2, then part 2 again) fail with a 502.
    world.fake.serverError({ route: 'POST /webhooks/:id/:token', skip: 1, count: 2, status: 502 });
    const words = Array.from({ length: 700 }, (_, i) => `word${i}`).join(' ');
    const source = world.fake.postAsUser(ch.src, { content: words });
    await waitFor('three parts', () => world.fake.messages(ch.dst).length >= 3, 30_000);
    await waitFor('the link is written', async () => (await copyOf(source.id))?.length === 3, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const parts = world.fake.messages(ch.dst);
    assert.equal(parts.length, 3, 'no part posted twice');
    assert.ok(parts.every((m) => m.webhookId !== null));
    const text = parts.map((m) => m.content).join(' ');
    assert.ok(text.includes('word0') && text.includes('word699'));
    assert.deepEqual(await copyOf(source.id), parts.map((m) => m.id));
    assert.equal(world.fake.stats().requests['POST /webhooks/:id/:token'], 5, '1 + 2 failed + 2 resumed');
  });

  it('resumes after the parts already posted when the retry runs on a restarted supervisor (parts kept in Redis)', async () => {
    const before = world.fake.messages(ch.dst).length;
    // Part 1 goes through; part 2 fails until the supervisor has been restarted.
    const heal = world.fake.serverError({ route: 'POST /webhooks/:id/:token', skip: 1, count: 1_000, status: 502 });
    const words = Array.from({ length: 700 }, (_, i) => `again${i}`).join(' ');
    const source = world.fake.postAsUser(ch.src, { content: words });
    await waitFor('part 1 posted', () => world.fake.messages(ch.dst).length === before + 1, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await waitFor('its record in Redis', async () => (await world.redis.keys('*fwd:parts:*')).length > 0, 10_000);
    await world.stop();
    heal();
    await world.start();
    await world.running(2);
    await waitFor('the rest posted and linked by the new supervisor', async () => (await copyOf(source.id)) !== null, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const parts = world.fake.messages(ch.dst).slice(before);
    assert.ok(parts.length >= 3, `split in ${parts.length} parts`);
    assert.deepEqual(parts.map((m) => m.content).join(' ').split(/\s+/).filter((w) => w.startsWith('again')), words.split(' '), 'every word once: part 1 not posted again');
    assert.deepEqual(await copyOf(source.id), parts.map((m) => m.id));
  });

  async function copyOf(sourceMessageId: string): Promise<string[] | null> {
    const rows = await world.sql.all<{ destination_message_ids: string[] }>(
      `select destination_message_ids from ${world.sql.table('message_links')} where pair_id = ? and source_message_id = ?`, [pairId, sourceMessageId],
    );
    return rows[0]?.destination_message_ids ?? null;
  }
});
