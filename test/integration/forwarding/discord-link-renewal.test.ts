/**
 * Discord's attachment links expire (about a day; the fake's are cut to
 * 2 s). A message whose copy waits past that, here behind a destination
 * that answers 429 for a while, must still arrive with its file: the
 * supervisor renews the links through the source bot at dispatch (real
 * supervisor, real discord.js, Discord fake).
 */
import assert from 'node:assert/strict';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

const LINK_TTL_MS = 2_000;

describe('forwarding Discord files whose links expired while the copy waited (real discord.js, Discord fake)', function () {
  this.timeout(60_000);
  let world: ForwardingWorld;

  afterEach(async () => {
    await world?.close();
  });

  it('renews the links through the source bot at dispatch: the copy carries the file, not a dead link', async () => {
    world = await ForwardingWorld.create('fwd_links', { discord: { attachmentUrlTtlMs: LINK_TTL_MS } });
    const { writer, src, dst } = await world.botPair('elite');
    await world.start();
    await world.running(2);
    // The writer is held back past the link's life: the copy is sent only after the link read at the source expired.
    const lift = world.fake.rateLimit({ botUserId: writer.botId, route: 'POST /channels/:id/messages', retryAfterMs: 1_000, forMs: LINK_TTL_MS + 1_500 });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2_000, 7)]);
    const posted = world.fake.postAsUser(src, { content: 'with a file', attachments: [{ name: 'chart.png', content: png, contentType: 'image/png' }] });
    await waitFor('the copy', () => world.fake.messages(dst).some((m) => m.content.includes('with a file')), 30_000);
    lift();
    const copy = world.fake.messages(dst).find((m) => m.content.includes('with a file'))!;
    assert.ok(Date.now() - posted.createdAt > LINK_TTL_MS, 'sent after the source link expired');
    assert.deepEqual(copy.attachments.map((f) => [f.filename, f.content.length]), [['chart.png', png.length]], 'the file itself, not a link line');
    assert.doesNotMatch(copy.content, /chart\.png/, 'no "name and size" line');
    assert.ok((world.fake.stats().requests['POST /attachments/refresh-urls'] ?? 0) >= 1, 'renewed through refresh-urls');
  });
});
