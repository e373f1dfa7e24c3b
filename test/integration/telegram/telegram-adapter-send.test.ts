/**
 * The Telegram adapter's sending side against the fake: text with entities,
 * the author line, replies and silent messages in every kind of chat; long
 * texts split at 4 096; a redelivered task posting nothing twice
 * (random_id); edits and deletes of every part; errors as the forwarding
 * queue's kinds; and our own answers keeping the update sequence (no
 * getDifference after sends).
 */
import assert from 'node:assert/strict';
import { Api } from 'telegram';
import type { SendResult, SendTask } from '../../../src/runtime-contracts/actor-contract.ts';
import type { PlatformClient } from '../../../actors/platform/platform-client.ts';
import { adapterClient, outgoing, recordingCallbacks, startWorld } from './adapter-test-kit.ts';
import type { World } from './adapter-test-kit.ts';

describe('Telegram adapter: sending', function () {
  this.timeout(30_000);
  let world: World;
  let client: PlatformClient;
  let seq = 0;

  function task(chatId: string, payload: unknown, extra: Partial<SendTask> = {}): SendTask {
    seq += 1;
    return { taskId: `t${seq}`, idempotencyKey: `key-${seq}`, pairId: 'p1', op: 'send', chatId, payload, ...extra };
  }

  function ids(result: SendResult): string[] {
    assert.ok(result.ok, result.ok ? '' : `${result.kind}: ${result.message}`);
    return result.destinationMessageIds;
  }

  /** The account's messages in a chat, by the id the account sees. */
  function posted(place: keyof World['chats']): Array<{ id: string; text: string; silent: boolean; replyTo: number | null; entities: Api.TypeMessageEntity[] }> {
    const { fake, account, bob } = world;
    const all = place === 'private' ? fake.messages(account.id, bob.id) : fake.messages(world[place]);
    return all.filter((m) => m.fromId === account.id).map((m) => ({
      id: String(place === 'supergroup' || place === 'channel' ? m.id : m.ids[account.id]), text: m.text, silent: m.silent, replyTo: m.replyTo, entities: [...m.entities],
    }));
  }

  beforeEach(async () => {
    world = await startWorld();
    client = adapterClient(world.runtime, world.saved, recordingCallbacks().callbacks);
    await client.connect(null);
    await client.watch([world.chats.group]);
  });

  afterEach(async () => {
    await client.disconnect();
    await world.fake.close();
  });

  for (const place of ['private', 'group', 'supergroup', 'channel'] as const) {
    it(`posts text with entities, a reply and silently in a ${place} chat`, async () => {
      const chatId = world.chats[place];
      const first = ids(await client.send(task(chatId, outgoing('first'))));
      const text = { text: 'bold link @Bob', entities: [
        { type: 'bold' as const, offset: 0, length: 4 }, { type: 'link' as const, offset: 5, length: 4, url: 'https://example.com/' },
        { type: 'mention' as const, offset: 10, length: 4, userId: world.bob.id },
      ] };
      const second = ids(await client.send(task(chatId, outgoing('', { text, replyToDestinationMessageId: first[0]!, silent: true, copyMode: false }))));
      const messages = posted(place);
      assert.deepEqual(messages.map((m) => m.id), [...first, ...second]);
      const m = messages[1]!;
      assert.equal(m.text, 'Alice forwarded:\nbold link @Bob');
      assert.equal(m.silent, true);
      assert.equal(String(m.replyTo), first[0]);
      const shown = m.entities.map((e) => [e.className, e.offset, e.length, e instanceof Api.MessageEntityTextUrl ? e.url : e instanceof Api.MessageEntityMentionName ? e.userId.toString() : '']);
      assert.deepEqual(shown, [
        ['MessageEntityBold', 0, 5, ''], ['MessageEntityBold', 17, 4, ''], ['MessageEntityTextUrl', 22, 4, 'https://example.com/'],
        ['MessageEntityMentionName', 27, 4, world.bob.id],
      ]);
    });
  }

  it('splits a long text at 4 096 and returns every part\'s id', async () => {
    const long = `${'word '.repeat(1_500)}end`;
    const result = ids(await client.send(task(world.chats.supergroup, outgoing(long))));
    const messages = posted('supergroup');
    assert.equal(result.length, 2);
    assert.deepEqual(messages.map((m) => m.id), result);
    assert.ok(messages.every((m) => m.text.length <= 4_096));
    assert.equal(messages.map((m) => m.text).join(' '), long.replace(/\s+/g, ' '));
  });

  it('posts a redelivered task once and answers with the ids it already made (random_id)', async () => {
    const long = `${'word '.repeat(1_500)}end`;
    for (const place of ['group', 'channel'] as const) {
      const t = task(world.chats[place], outgoing(long));
      const first = ids(await client.send(t));
      const again = ids(await client.send({ ...t, taskId: 'redelivered' }));
      assert.deepEqual(again, first);
      assert.equal(posted(place).length, 2, `${place}: posted once`);
    }
    // The copy was deleted meanwhile: nothing is posted again, and the task is done.
    const t = task(world.chats.group, outgoing('short-lived'));
    const [id] = ids(await client.send(t));
    world.fake.deleteAsUser(world.account.id, world.group, [Number(id)]);
    assert.deepEqual(ids(await client.send(t)), []);
    assert.ok(!posted('group').some((m) => m.text === 'short-lived'));
  });

  it('recovers the id of a send whose answer never came: the retry meets RANDOM_ID_DUPLICATE and finds the message', async () => {
    const impatient = adapterClient({ ...world.runtime, requestTimeoutMs: 300 }, world.saved, recordingCallbacks().callbacks);
    await client.disconnect();
    client = impatient;
    await client.connect(null);
    world.fake.holdAnswers('messages.sendMessage', 1_000, { userId: world.account.id });
    const t = task(world.chats.group, outgoing('held'));
    const first = await client.send(t);
    assert.deepEqual(first.ok ? 'ok' : first.kind, 'transient', 'no answer in time');
    assert.equal(posted('group').length, 1, 'but Telegram took it');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.deepEqual(ids(await client.send({ ...t, taskId: 'retry' })), [posted('group')[0]!.id]);
    assert.equal(posted('group').length, 1, 'posted once');
  });

  it('edits every part, posting extra parts and deleting leftovers', async () => {
    const chatId = world.chats.supergroup;
    const original = ids(await client.send(task(chatId, outgoing(`${'word '.repeat(1_500)}end`))));
    const shorter = ids(await client.send(task(chatId, outgoing('now short'), { op: 'edit', targetMessageIds: original })));
    assert.deepEqual(shorter, [original[0]]);
    assert.deepEqual(posted('supergroup').map((m) => m.text), ['now short']);
    const same = ids(await client.send(task(chatId, outgoing('now short'), { op: 'edit', targetMessageIds: shorter })));
    assert.deepEqual(same, shorter, 'MESSAGE_NOT_MODIFIED is fine');
    const longer = ids(await client.send(task(chatId, outgoing(`${'more '.repeat(1_000)}end`), { op: 'edit', targetMessageIds: shorter })));
    assert.equal(longer.length, 2);
    assert.equal(longer[0], shorter[0]);
    assert.deepEqual(posted('supergroup').map((m) => m.id), longer);
  });

  for (const place of ['group', 'channel'] as const) {
    it(`deletes every target in a ${place}, one already gone included`, async () => {
      const chatId = world.chats[place];
      const a = ids(await client.send(task(chatId, outgoing('a'))));
      const b = ids(await client.send(task(chatId, outgoing('b'))));
      const result = ids(await client.send(task(chatId, null, { op: 'delete', targetMessageIds: [...a, ...b] })));
      assert.deepEqual(result, [...a, ...b]);
      assert.deepEqual(posted(place), []);
      assert.deepEqual(ids(await client.send(task(chatId, null, { op: 'delete', targetMessageIds: a }))), a);
    });
  }

  it('answers errors with the kinds the queue acts on', async () => {
    const chatId = world.chats.group;
    const kind = (r: SendResult) => (r.ok ? 'ok' : r.kind);
    world.fake.failNext('messages.sendMessage', { error: 'CHAT_WRITE_FORBIDDEN', code: 403 });
    assert.equal(kind(await client.send(task(chatId, outgoing('x')))), 'permanent');
    world.fake.failNext('messages.sendMessage', { error: 'MESSAGE_TOO_LONG', code: 400 });
    assert.equal(kind(await client.send(task(chatId, outgoing('x')))), 'permanent');
    world.fake.failNext('messages.sendMessage', { error: 'INTERNAL', code: 500 });
    assert.equal(kind(await client.send(task(chatId, outgoing('x')))), 'transient');
    assert.equal(kind(await client.send(task('-100999999', outgoing('x')))), 'permanent', 'a chat the account is not in');
    assert.equal(kind(await client.send(task(chatId, { not: 'a message' }))), 'permanent');
    assert.equal(kind(await client.send(task(chatId, outgoing('x'), { op: 'edit', targetMessageIds: [] }))), 'permanent');
  });

  it('keeps its update sequence through its own sends, edits and deletes: no difference is asked', async () => {
    const before = world.fake.stats().calls['updates.getDifference'] ?? 0;
    for (const place of ['private', 'group', 'channel'] as const) {
      const chatId = world.chats[place];
      const sent = ids(await client.send(task(chatId, outgoing('x'))));
      ids(await client.send(task(chatId, outgoing('y'), { op: 'edit', targetMessageIds: sent })));
      ids(await client.send(task(chatId, null, { op: 'delete', targetMessageIds: sent })));
    }
    world.fake.sendAsUser(world.bob.id, world.group, { text: 'after' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(world.fake.stats().calls['updates.getDifference'] ?? 0, before);
  });

  it('refuses a destination the account is not in as permanent, and does not read its dialogs again for every send', async () => {
    const elsewhere = world.fake.createChannel({ title: 'not ours', megagroup: true, members: [world.bob.id], creatorId: world.bob.id });
    const chatId = world.fake.markedId(elsewhere);
    const dialogs = (): number => world.fake.stats().calls['messages.getDialogs'] ?? 0;
    const before = dialogs();
    for (let n = 0; n < 3; n++) {
      const result = await client.send(task(chatId, outgoing(`lost ${n}`)));
      assert.deepEqual(result.ok ? 'ok' : result.kind, 'permanent');
    }
    assert.equal(dialogs() - before, 1, 'one lookup; the miss is remembered');
  });
});
