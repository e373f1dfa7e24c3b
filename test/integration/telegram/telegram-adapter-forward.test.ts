/**
 * The Telegram adapter forwarding Telegram messages natively against the
 * fake: with the "forwarded from" header, in copy mode without it (entities
 * kept), silent, once however often the task is redelivered; a source the
 * account cannot read copied fresh; protected content copied with a notice
 * or refused for good, as the plan says; edits and deletes of forwards.
 */
import assert from 'node:assert/strict';
import { Api } from 'telegram';
import type { SendResult, SendTask } from '../../../src/runtime-contracts/actor-contract.ts';
import type { PlatformClient } from '../../../actors/platform/platform-client.ts';
import type { OutgoingMessage } from '../../../src/forwarding/message/outgoing-message.ts';
import type { FakeMessage } from '../../fakes/telegram/telegram-fake.ts';
import { adapterClient, outgoing, recordingCallbacks, startWorld } from './adapter-test-kit.ts';
import type { World } from './adapter-test-kit.ts';

describe('Telegram adapter: forwarding Telegram messages', function () {
  this.timeout(30_000);
  let world: World;
  let client: PlatformClient;
  let seq = 0;

  function task(payload: OutgoingMessage, extra: Partial<SendTask> = {}): SendTask {
    seq += 1;
    return { taskId: `t${seq}`, idempotencyKey: `fwd-key-${seq}`, pairId: 'p1', op: 'send', chatId: world.chats.channel, payload, ...extra };
  }

  /** The payload for `message` of chat `chatId`, as routing makes it for a Telegram source. */
  function from(chatId: string, message: FakeMessage, extra: Partial<OutgoingMessage> = {}): OutgoingMessage {
    return outgoing(message.text, {
      copyMode: false, author: { id: world.bob.id, name: 'Bob Stone' },
      source: { platform: 'telegram', chatId, messageId: String(message.id) }, ...extra,
    });
  }

  function ids(result: SendResult): string[] {
    assert.ok(result.ok, result.ok ? '' : `${result.kind}: ${result.message}`);
    return result.destinationMessageIds;
  }

  const posted = (): FakeMessage[] => world.fake.messages(world.channel).filter((m) => m.fromId === world.account.id);

  let original: FakeMessage;

  beforeEach(async () => {
    world = await startWorld();
    client = adapterClient(world.runtime, world.saved, recordingCallbacks().callbacks);
    await client.connect(null);
    await client.watch([world.chats.group]);
    original = world.fake.sendAsUser(world.bob.id, world.supergroup, {
      text: 'bold news', entities: [new Api.MessageEntityBold({ offset: 0, length: 4 })],
    });
  });

  afterEach(async () => {
    await client.disconnect();
    await world.fake.close();
  });

  it('forwards with the "forwarded from" header, as one message, silently when asked', async () => {
    const [id] = ids(await client.send(task(from(world.chats.supergroup, original, { silent: true }))));
    const [copy] = posted();
    assert.equal(String(copy!.id), id);
    assert.deepEqual(copy!.forwardedFrom, { fromId: world.bob.id, date: original.date, channelPost: null });
    assert.equal(copy!.text, 'bold news');
    assert.equal(copy!.silent, true);
    assert.equal(world.fake.stats().calls['messages.forwardMessages'], 1);
    assert.equal(world.fake.stats().calls['messages.sendMessage'] ?? 0, 0);
    // The answer's pts went to the pump: nothing looked like a gap.
    assert.equal(world.fake.stats().calls['updates.getDifference'] ?? 0, 0);
  });

  it('copy mode forwards without the header, keeping the entities exactly', async () => {
    ids(await client.send(task(from(world.chats.supergroup, original, { copyMode: true }))));
    const [copy] = posted();
    assert.equal(copy!.forwardedFrom, null);
    assert.equal(copy!.text, 'bold news');
    assert.ok(copy!.entities[0] instanceof Api.MessageEntityBold && copy!.entities[0].length === 4);
    assert.equal(copy!.silent, false);
  });

  it('a redelivered forward posts once and resolves to the copy already there', async () => {
    const t = task(from(world.chats.supergroup, original));
    const first = ids(await client.send(t));
    const again = ids(await client.send({ ...t, taskId: 'redelivered' }));
    assert.deepEqual(again, first);
    assert.equal(posted().length, 1);
  });

  it('a text the filters changed goes as a fresh copy, since a forward would carry the original', async () => {
    ids(await client.send(task(from(world.chats.supergroup, original, { text: { text: 'bold news [footer]', entities: [] }, contentChanged: true }))));
    const [copy] = posted();
    assert.equal(copy!.forwardedFrom, null);
    assert.equal(copy!.text, 'Bob Stone forwarded:\nbold news [footer]');
  });

  it('a source chat the account cannot read is copied fresh, with the author line, without error', async () => {
    const hidden = world.fake.createChannel({ title: 'Hidden', megagroup: true, members: [], creatorId: world.bob.id });
    const message = world.fake.sendAsUser(world.bob.id, hidden, { text: 'elsewhere' });
    ids(await client.send(task(from(world.fake.markedId(hidden), message))));
    const [copy] = posted();
    assert.equal(copy!.forwardedFrom, null);
    assert.equal(copy!.text, 'Bob Stone forwarded:\nelsewhere');
    assert.equal(world.fake.stats().calls['messages.forwardMessages'] ?? 0, 0);
  });

  it('protected content: copied with a notice when the plan allows copies, a permanent failure with the notice otherwise', async () => {
    const locked = world.fake.createChannel({
      title: 'Locked', megagroup: true, members: [world.account.id], creatorId: world.bob.id, noforwards: true,
    });
    const message = world.fake.sendAsUser(world.bob.id, locked, { text: 'protected' });
    const lockedId = world.fake.markedId(locked);
    const refused = await client.send(task(from(lockedId, message, { allowCopyFallback: false })));
    assert.ok(!refused.ok && refused.kind === 'permanent');
    assert.equal(refused.notice?.code, 'forwards_restricted');
    assert.equal(posted().length, 0);
    const copied = await client.send(task(from(lockedId, message, { allowCopyFallback: true })));
    assert.equal(ids(copied).length, 1);
    assert.deepEqual(copied.notice, {
      code: 'forwards_restricted', message: 'The source chat protects its content: messages are copied instead of forwarded',
    });
    assert.equal(posted()[0]!.text, 'Bob Stone forwarded:\nprotected');
    assert.equal(posted()[0]!.forwardedFrom, null);
  });

  it('an edit of a forward is skipped with a notice; a copy-mode forward is edited; deletes work for both', async () => {
    const forwarded = ids(await client.send(task(from(world.chats.supergroup, original))));
    const skipped = await client.send(task(from(world.chats.supergroup, original, { text: { text: 'edited', entities: [] } }), {
      op: 'edit', targetMessageIds: forwarded,
    }));
    assert.deepEqual(ids(skipped), forwarded);
    assert.equal(skipped.notice?.code, 'forward_not_editable');
    assert.equal(posted()[0]!.text, 'bold news');
    const copy = ids(await client.send(task(from(world.chats.supergroup, original, { copyMode: true }))));
    ids(await client.send(task(from(world.chats.supergroup, original, { copyMode: true, text: { text: 'edited', entities: [] } }), {
      op: 'edit', targetMessageIds: copy,
    })));
    assert.equal(posted()[1]!.text, 'edited');
    ids(await client.send(task(from(world.chats.supergroup, original), { op: 'delete', targetMessageIds: [...forwarded, ...copy] })));
    assert.equal(posted().length, 0);
  });
});
