/**
 * The Discord adapter's outbound side against the fake: plain, silent,
 * copy-mode (webhook identity, and the fallback where webhooks are
 * forbidden), replies, attachments and albums, oversize files as links, long
 * messages split, edits that grow and shrink, deletes, 429 as flood_wait
 * without waiting (a slowmode 429 for the chat only), nonce deduplication, a
 * copy-mode message failing part-way resumed at the next part, and the invalid-request limiter.
 */
import assert from 'node:assert/strict';
import type { SendResult, SendTask } from '../../../src/runtime-contracts/actor-contract.ts';
import type { PlatformClient } from '../../../actors/platform/platform-client.ts';
import type { Attachment } from '../../../src/forwarding/message/neutral-message.ts';
import type { OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';
import { adapterClient, outgoing, recordingCallbacks, startWorld } from './adapter-test-kit.ts';
import type { World } from './adapter-test-kit.ts';

const SUPPRESS_NOTIFICATIONS = 1 << 12;

describe('Discord adapter: send, edit, delete', function () {
  this.timeout(30_000);
  let world: World;
  let client: PlatformClient;
  let taskNo = 0;

  async function connect(w: World): Promise<PlatformClient> {
    const c = adapterClient(w.runtime, w.bot.token, recordingCallbacks().callbacks);
    await c.connect(null);
    return c;
  }

  function task(op: SendTask['op'], payload: OutgoingMessage | null, extra: Partial<SendTask> = {}): SendTask {
    taskNo += 1;
    return { taskId: `t${taskNo}`, idempotencyKey: `key-${taskNo}`, pairId: 'pair', op, chatId: world.destination, payload, ...extra };
  }

  function ids(result: SendResult): string[] {
    assert.ok(result.ok, `expected success, got ${JSON.stringify(result)}`);
    return result.destinationMessageIds;
  }

  /** Attachments a user uploaded in a scratch channel: real URLs on the fake to forward from. */
  function userFiles(files: Array<{ name: string; size: number }>, w: World = world): Attachment[] {
    const scratch = w.fake.createChannel(w.guildId, `files-${taskNo}-${files.length}`).id;
    const posted = w.fake.postAsUser(scratch, {
      attachments: files.map((f, i) => ({ name: f.name, content: Buffer.alloc(f.size, i + 1), contentType: 'image/png' })),
    });
    return posted.attachments.map((a) => ({ kind: 'photo', url: a.url, fileName: a.filename, sizeBytes: a.size, contentType: 'image/png' }));
  }

  beforeEach(async () => {
    world = await startWorld();
    client = await connect(world);
  });

  afterEach(async () => {
    await client.disconnect();
    await world.fake.close();
  });

  it('sends as the bot with the author named on the first line', async () => {
    const [id] = ids(await client.send(task('send', outgoing('hello'))));
    const stored = world.fake.message(id!)!;
    assert.equal(stored.authorId, world.bot.id);
    assert.equal(stored.content, '**Alice** forwarded:\nhello');
    assert.equal(stored.flags, 0);
    assert.ok(stored.nonce !== null && stored.nonce.length <= 25);
  });

  it('sends silently with SUPPRESS_NOTIFICATIONS', async () => {
    const [id] = ids(await client.send(task('send', outgoing('shh', { silent: true }))));
    assert.equal(world.fake.message(id!)!.flags, SUPPRESS_NOTIFICATIONS);
  });

  it('copies under the author\'s name and avatar through one channel webhook', async () => {
    const [a] = ids(await client.send(task('send', outgoing('copied', { copyMode: true, silent: true }))));
    const [b] = ids(await client.send(task('send', outgoing('again', { copyMode: true, author: { id: '2', name: 'Discord Bob' } }))));
    const first = world.fake.message(a!)!;
    assert.equal(first.content, 'copied');
    assert.equal(first.webhookName, 'Alice');
    assert.equal(first.webhookAvatarUrl, 'https://example.com/alice.png');
    assert.equal(first.flags, SUPPRESS_NOTIFICATIONS);
    assert.equal(world.fake.message(b!)!.webhookName, 'disc0rd Bob');
    assert.deepEqual(world.fake.webhooks(world.destination).map((w) => w.name), ['Switchboard']);
    assert.equal(world.fake.stats().requests['POST /channels/:id/webhooks'], 1);
    assert.equal(world.fake.stats().requests['GET /channels/:id/webhooks'], 1);
  });

  it('makes a new webhook when someone deleted the channel\'s', async () => {
    ids(await client.send(task('send', outgoing('one', { copyMode: true }))));
    const [gone] = world.fake.webhooks(world.destination);
    world.fake.deleteWebhook(gone!.id);
    const [id] = ids(await client.send(task('send', outgoing('two', { copyMode: true }))));
    const [fresh] = world.fake.webhooks(world.destination);
    assert.ok(fresh !== undefined && fresh.id !== gone!.id);
    assert.equal(world.fake.message(id!)!.webhookId, fresh.id);
  });

  it('falls back to a bot message with the author line where webhooks are forbidden', async () => {
    world.fake.setPermission(world.bot.id, world.destination, 'manage_webhooks', false);
    const [id] = ids(await client.send(task('send', outgoing('copied', { copyMode: true }))));
    const stored = world.fake.message(id!)!;
    assert.equal(stored.webhookId, null);
    assert.equal(stored.content, '**Alice** forwarded:\ncopied');
    ids(await client.send(task('send', outgoing('twice', { copyMode: true }))));
    assert.equal(world.fake.stats().invalid[403], 1, 'the refusal is remembered, not asked again');
  });

  it('replies natively as the bot, and with a jump link through a webhook; copies into threads', async () => {
    const original = world.fake.postAsUser(world.destination, { content: 'question' });
    const [r] = ids(await client.send(task('send', outgoing('answer', { replyToDestinationMessageId: original.id }))));
    assert.equal(world.fake.message(r!)!.reference?.messageId, original.id);
    const [w] = ids(await client.send(task('send', outgoing('answer', { copyMode: true, replyToDestinationMessageId: original.id }))));
    const link = `https://discord.com/channels/${world.guildId}/${world.destination}/${original.id}`;
    assert.equal(world.fake.message(w!)!.content, `↪ [in reply to this message](${link})\nanswer`);

    const thread = world.fake.createThread(world.destination, 'topic').id;
    const [t] = ids(await client.send(task('send', outgoing('in thread', { copyMode: true }), { chatId: thread })));
    const inThread = world.fake.message(t!)!;
    assert.equal(inThread.channelId, thread);
    assert.equal(inThread.webhookName, 'Alice');
  });

  it('keeps an album in one message with the text, and links files over the upload limit', async () => {
    const album = userFiles([{ name: 'a.png', size: 100 }, { name: 'b.png', size: 200 }, { name: 'c.png', size: 300 }]);
    const [id] = ids(await client.send(task('send', outgoing('album', { attachments: album }))));
    const stored = world.fake.message(id!)!;
    assert.deepEqual(stored.attachments.map((a) => [a.filename, a.size, a.content[0]]), [['a.png', 100, 1], ['b.png', 200, 2], ['c.png', 300, 3]]);
    assert.equal(stored.content, '**Alice** forwarded:\nalbum');

    const small = await startWorld({}, { uploadLimitBytes: 1_000 });
    try {
      const c = await connect(small);
      const files = userFiles([{ name: 'small.png', size: 500 }, { name: 'big.png', size: 2_048 }], small);
      const [m] = ids(await c.send(task('send', outgoing('', { attachments: files, copyMode: true }), { chatId: small.destination })));
      const sent = small.fake.message(m!)!;
      assert.deepEqual(sent.attachments.map((a) => a.filename), ['small.png']);
      assert.ok(sent.content.startsWith('📎 '), sent.content);
      for (const part of ['[big.png]', '2.0 KiB', 'upload limit', files[1]!.url]) assert.ok(sent.content.includes(part), sent.content);
      await c.disconnect();
    } finally {
      await small.fake.close();
    }
  });

  it('links a file over the owner\'s plan\'s file size, though under the upload limit', async () => {
    const files = userFiles([{ name: 'fits.png', size: 500 }, { name: 'over-plan.png', size: 2_048 }]);
    const [m] = ids(await client.send(task('send', outgoing('plan', { attachments: files, fileLimitBytes: 1_024 }))));
    const sent = world.fake.message(m!)!;
    assert.deepEqual(sent.attachments.map((a) => a.filename), ['fits.png']);
    assert.match(sent.content, /over-plan\.png\]\([^)]+\) \\\(2\.0 KiB, over the 1\.0 KiB upload limit\)$/);
  });

  it('puts files past the tenth in messages of their own, after the text', async () => {
    const files = userFiles(Array.from({ length: 12 }, (_, i) => ({ name: `f${i}.png`, size: 10 + i })));
    const sent = ids(await client.send(task('send', outgoing('many', { attachments: files }))));
    assert.equal(sent.length, 2);
    assert.equal(world.fake.message(sent[0]!)!.attachments.length, 10);
    assert.deepEqual(world.fake.message(sent[1]!)!.attachments.map((a) => a.filename), ['f10.png', 'f11.png']);
    assert.equal(world.fake.message(sent[1]!)!.content, '');
  });

  it('splits a long message into parts of at most 2 000 characters; the first carries reply and files', async () => {
    const original = world.fake.postAsUser(world.destination, { content: 'q' });
    const files = userFiles([{ name: 'x.png', size: 10 }]);
    const text = Array.from({ length: 90 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const parts = ids(await client.send(task('send', outgoing(text, { attachments: files, replyToDestinationMessageId: original.id }))));
    assert.ok(parts.length >= 2);
    const stored = parts.map((id) => world.fake.message(id)!);
    assert.ok(stored.every((m) => m.content.length <= 2000));
    assert.equal(stored[0]!.reference?.messageId, original.id);
    assert.equal(stored[0]!.attachments.length, 1);
    assert.ok(stored.slice(1).every((m) => m.attachments.length === 0 && m.reference === null));
    assert.deepEqual(world.fake.messages(world.destination).slice(-parts.length).map((m) => m.id), parts, 'parts are posted in order');
    assert.ok(stored.map((m) => m.content).join('\n').includes('line 89'));
  });

  for (const copyMode of [false, true]) {
    it(`edits in place, growing and shrinking the parts (${copyMode ? 'webhook' : 'bot'})`, async () => {
      const [first] = ids(await client.send(task('send', outgoing('short', { copyMode }))));
      const long = Array.from({ length: 90 }, (_, i) => `line ${i} ${'y'.repeat(40)}`).join('\n');
      const grown = ids(await client.send(task('edit', outgoing(long, { copyMode }), { targetMessageIds: [first!] })));
      assert.ok(grown.length >= 2);
      assert.equal(grown[0], first);
      assert.ok(world.fake.message(first!)!.content.includes('line 0'));
      assert.ok(world.fake.message(first!)!.editedAt !== null);
      const shrunk = ids(await client.send(task('edit', outgoing('short again', { copyMode }), { targetMessageIds: grown })));
      assert.deepEqual(shrunk, [first]);
      assert.ok(world.fake.message(first!)!.content.endsWith('short again'));
      for (const gone of grown.slice(1)) assert.equal(world.fake.message(gone), undefined);
    });
  }

  it('deletes every part; parts already gone count as deleted', async () => {
    const long = 'z'.repeat(3_000);
    const parts = ids(await client.send(task('send', outgoing(long))));
    const copy = ids(await client.send(task('send', outgoing('copy', { copyMode: true }))));
    assert.deepEqual(ids(await client.send(task('delete', null, { targetMessageIds: parts }))), parts);
    for (const id of parts) assert.equal(world.fake.message(id), undefined);
    assert.equal(ids(await client.send(task('delete', null, { targetMessageIds: parts }))).length, parts.length);
    ids(await client.send(task('delete', null, { targetMessageIds: copy })));
    assert.equal(world.fake.message(copy[0]!), undefined);
  });

  it('turns a 429 into flood_wait at once, without waiting for it', async () => {
    world.fake.rateLimit({ botUserId: world.bot.id, route: 'POST /channels/:id/messages', count: 1, retryAfterMs: 30_000 });
    const started = Date.now();
    const result = await client.send(task('send', outgoing('limited')));
    assert.ok(Date.now() - started < 1_000, 'returned without sleeping');
    assert.ok(!result.ok && result.kind === 'flood_wait' && result.retryAfterMs! >= 30_000, JSON.stringify(result));
    assert.equal(!result.ok && result.scope, 'chat', 'a channel\'s bucket holds that pair only');
    world.fake.rateLimit({ route: 'POST /webhooks/:id/:token', forMs: 60_000, retryAfterMs: 2_000, global: true });
    const webhook = await client.send(task('send', outgoing('limited', { copyMode: true })));
    assert.ok(!webhook.ok && webhook.kind === 'flood_wait', JSON.stringify(webhook));
    assert.notEqual(!webhook.ok && webhook.scope, 'chat', 'a global limit holds the bot');
  });

  it('turns a slowmode 429 (code 20016) into a wait for that chat only, then posts once', async () => {
    world.fake.setSlowmode(world.destination, 1);
    world.fake.setPermission(world.bot.id, world.destination, 'manage_messages', false);
    world.fake.setPermission(world.bot.id, world.destination, 'manage_channels', false);
    ids(await client.send(task('send', outgoing('first'))));
    const second = task('send', outgoing('second'));
    const started = Date.now();
    const held = await client.send(second);
    assert.ok(Date.now() - started < 900, 'the adapter does not sleep out the slowmode');
    assert.ok(!held.ok && held.kind === 'flood_wait' && held.scope === 'chat', JSON.stringify(held));
    assert.ok(!held.ok && held.retryAfterMs! > 0 && held.retryAfterMs! <= 1_000, JSON.stringify(held));
    await new Promise((resolve) => setTimeout(resolve, held.ok ? 0 : held.retryAfterMs!));
    ids(await client.send(second));
    assert.deepEqual(world.fake.messages(world.destination).map((m) => m.content.split('\n').at(-1)), ['first', 'second']);
  });

  it('maps other failures: 5xx transient, unknown channel and missing access permanent, a revoked token revoked', async () => {
    world.fake.serverError({ route: 'POST /channels/:id/messages', count: 1, status: 502 });
    const flaky = await client.send(task('send', outgoing('x')));
    assert.ok(!flaky.ok && flaky.kind === 'transient', JSON.stringify(flaky));
    const unknown = await client.send(task('send', outgoing('x'), { chatId: '123456789012345678' }));
    assert.ok(!unknown.ok && unknown.kind === 'permanent');
    world.fake.setPermission(world.bot.id, world.destination, 'send', false);
    const refused = await client.send(task('send', outgoing('x')));
    assert.ok(!refused.ok && refused.kind === 'permanent');
    world.fake.setPermission(world.bot.id, world.destination, 'send', true);
    world.fake.revokeToken(world.bot.id);
    const revoked = await client.send(task('send', outgoing('x')));
    assert.ok(!revoked.ok && revoked.kind === 'revoked', JSON.stringify(revoked));
  });

  it('posts nothing twice for a redelivered task (nonce with enforce_nonce), parts included', async () => {
    // Two parts, twice: within the channel's 5 posts per 5 s.
    const long = 'w '.repeat(1_200);
    const t = task('send', outgoing(long));
    const first = ids(await client.send(t));
    const again = ids(await client.send({ ...t }));
    assert.deepEqual(again, first);
    assert.equal(first.length, 2);
    assert.equal(world.fake.messages(world.destination).length, first.length);
  });

  for (const how of ['5xx', 'bucket'] as const) {
    it(`resumes a copy-mode message failing part-way (${how}) at the next part: 3 parts posted once`, async () => {
      const w = how === 'bucket' ? await startWorld({ rateLimits: { webhookExecute: { limit: 1, windowMs: 300 } } }) : world;
      const c = how === 'bucket' ? await connect(w) : client;
      try {
        // Parts 1 and 2 of the first webhook execution: the channel webhook is made on the first send.
        if (how === '5xx') w.fake.serverError({ route: 'POST /webhooks/:id/:token', skip: 1, count: 1, status: 502 });
        const t = task('send', outgoing('p'.repeat(5_000), { copyMode: true }), { chatId: w.destination });
        let result = await c.send(t);
        const attempts: SendResult[] = [result];
        while (!result.ok && attempts.length < 10) {
          assert.ok(result.sentPartIds !== undefined && result.sentPartIds.length > 0, JSON.stringify(result));
          await new Promise((resolve) => setTimeout(resolve, result.ok ? 0 : result.retryAfterMs ?? 10));
          result = await c.send({ ...t, sentPartIds: result.sentPartIds });
          attempts.push(result);
        }
        const final = ids(result);
        assert.equal(final.length, 3);
        assert.ok(attempts.length >= 2, 'the first attempt failed part-way');
        const posted = w.fake.messages(w.destination);
        assert.deepEqual(posted.map((m) => m.id), final, 'each part posted exactly once, in order');
        assert.ok(posted.every((m) => m.webhookId !== null));
      } finally {
        if (how === 'bucket') {
          await c.disconnect();
          await w.fake.close();
        }
      }
    });
  }

  it('refuses to send past the invalid-request limit until the window slides', async () => {
    const strict = await startWorld({}, { invalidRequestLimit: 3 });
    try {
      const c = await connect(strict);
      strict.fake.setPermission(strict.bot.id, strict.destination, 'send', false);
      const send = () => c.send({ taskId: 'x', idempotencyKey: `k${Math.random()}`, pairId: 'p', op: 'send', chatId: strict.destination, payload: outgoing('x') });
      for (let i = 0; i < 3; i += 1) {
        const r = await send();
        assert.ok(!r.ok && r.kind === 'permanent');
      }
      const before = strict.fake.stats().requests['POST /channels/:id/messages'];
      const blocked = await send();
      assert.ok(!blocked.ok && blocked.kind === 'flood_wait' && blocked.retryAfterMs! > 9 * 60_000, JSON.stringify(blocked));
      assert.equal(strict.fake.stats().requests['POST /channels/:id/messages'], before, 'no request went out');
      await c.disconnect();
    } finally {
      await strict.fake.close();
    }
  });
});
