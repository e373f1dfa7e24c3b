/**
 * The fake's send pacing through the real gramjs client: past a chat's
 * burst a send fails with FloodWaitError carrying the seconds, nothing is
 * posted, the wait is counted in stats(), and the send goes through once
 * the seconds are over; a refused send costs no token; `floodLimits: false`
 * switches the pacing off.
 */
import assert from 'node:assert/strict';
import type { TelegramClient } from 'telegram';
import { FloodWaitError } from 'telegram/errors/index.js';
import { TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import type { FakeUser, TelegramFakeOptions } from '../../fakes/telegram/telegram-fake.ts';
import { inputChat, inputUser, loggedInClient, rpcError, sendText, sleep } from './telegram-test-kit.ts';

describe('Telegram fake send pacing (with the real gramjs client)', function () {
  this.timeout(20_000);
  let fake: TelegramFake;
  let client: TelegramClient;
  let alice: FakeUser;
  let bob: FakeUser;

  async function world(options: TelegramFakeOptions): Promise<void> {
    fake = await TelegramFake.start(options);
    alice = fake.createUser({ phone: '+15550003001', firstName: 'Alice' });
    bob = fake.createUser({ phone: '+15550003002', firstName: 'Bob' });
    client = (await loggedInClient(fake, alice.phone)).client;
  }

  afterEach(async () => {
    await client?.destroy();
    await fake?.close();
  });

  it('answers FLOOD_WAIT_1 past a private chat\'s burst of 3, posts nothing, counts it, and lets the send through a second later', async () => {
    await world({});
    for (let i = 0; i < 3; i++) await sendText(client, inputUser(bob), `m${i}`);
    let flood: unknown = null;
    await sendText(client, inputUser(bob), 'm3').catch((error: unknown) => {
      flood = error;
    });
    assert.ok(flood instanceof FloodWaitError, `a FloodWaitError, not ${String(flood)}`);
    assert.equal(flood.seconds, 1);
    assert.equal(fake.messages(bob.id, alice.id).length, 3);
    assert.equal(fake.stats().floodWaits, 1);
    // Another chat is not held back by this one.
    const group = fake.createGroup({ title: 'G', members: [alice.id], creatorId: bob.id });
    await sendText(client, inputChat(group), 'elsewhere');
    await sleep(1_000);
    await sendText(client, inputUser(bob), 'm3');
    assert.deepEqual(fake.messages(bob.id, alice.id).map((m) => m.text), ['m0', 'm1', 'm2', 'm3']);
  });

  it('takes no token for a send refused for another reason (MESSAGE_EMPTY)', async () => {
    await world({ floodLimits: { chat: { burst: 1, perSecond: 1 }, group: { burst: 20, perSecond: 1 / 3 }, account: { burst: 30, perSecond: 30 } } });
    assert.equal(await rpcError(sendText(client, inputUser(bob), '   ')), '400 MESSAGE_EMPTY');
    await sendText(client, inputUser(bob), 'counted');
    assert.equal(await rpcError(sendText(client, inputUser(bob), 'too soon')), '420 FLOOD');
  });

  it('paces nothing with floodLimits: false', async () => {
    await world({ floodLimits: false });
    for (let i = 0; i < 40; i++) await sendText(client, inputUser(bob), `m${i}`);
    assert.equal(fake.messages(bob.id, alice.id).length, 40);
    assert.equal(fake.stats().floodWaits, 0);
  });
});
