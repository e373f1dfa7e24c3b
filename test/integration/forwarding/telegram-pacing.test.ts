/**
 * Telegram's send pacing through the real supervisor (real gramjs, the
 * MTProto fake enforcing Telegram's limits): a burst into one chat is paced
 * to about a message a second, nothing lost, nothing twice, in order, and
 * without the fake having to answer FLOOD_WAIT; another chat of the same
 * account is not held back meanwhile. The pacer and the fake's limiter are
 * tested alone in flood-pacer.test.ts and telegram-flood-limiter.test.ts.
 */
import assert from 'node:assert/strict';
import type { FakeGroup, FakeUser, TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

describe('Telegram send pacing through the supervisor (real gramjs, MTProto fake with flood limits)', function () {
  this.timeout(60_000);
  let world: ForwardingWorld;
  let tg: TelegramFake;
  let alice: FakeUser;
  let bob: FakeUser;
  let busy: FakeUser;
  let quiet: FakeUser;
  let burstSource: FakeGroup;
  let quietSource: FakeGroup;

  before(async () => {
    world = await ForwardingWorld.create('fwd_tg_pacing', { telegram: true });
    tg = world.tg!;
    const owner = await world.user('elite');
    alice = tg.createUser({ phone: '+15550004001', firstName: 'Alice' });
    bob = tg.createUser({ phone: '+15550004002', firstName: 'Bob' });
    busy = tg.createUser({ phone: '+15550004003', firstName: 'Busy' });
    quiet = tg.createUser({ phone: '+15550004004', firstName: 'Quiet' });
    burstSource = tg.createGroup({ title: 'burst', members: [alice.id], creatorId: bob.id });
    quietSource = tg.createGroup({ title: 'quiet', members: [alice.id], creatorId: bob.id });
    // Private chats exist once they have a message.
    tg.sendAsUser(busy.id, alice.id, { text: 'hello' });
    tg.sendAsUser(quiet.id, alice.id, { text: 'hello' });
    const { accountId } = await world.telegramAccount(owner, alice);
    const end = (chatId: string) => ({ platform: 'telegram' as const, accountId, chatId });
    await world.pair({ userId: owner, source: end(tg.markedId(burstSource)), destination: end(busy.id) });
    await world.pair({ userId: owner, source: end(tg.markedId(quietSource)), destination: end(quiet.id) });
    await world.start();
    await world.running(1);
  });

  after(async () => {
    await world?.close();
  });

  const forwardedTo = (reader: FakeUser): string[] => tg.messages(reader.id, alice.id).filter((m) => m.fromId === alice.id).map((m) => m.text);

  it('paces a burst into one chat with no FLOOD_WAIT, nothing lost or doubled, in order, other chats flowing', async () => {
    // The first forward proves the pair runs (the account watches the source); then the burst.
    tg.sendAsUser(bob.id, burstSource, { text: 'burst start' });
    await waitFor('the first forward', () => forwardedTo(busy).length === 1, 30_000);
    const floodWaits = tg.stats().floodWaits;
    const burst = Array.from({ length: 6 }, (_, i) => `burst ${i}`);
    for (const text of burst) tg.sendAsUser(bob.id, burstSource, { text });
    // The account's other chat is not held back by the busy one: its message overtakes the paced burst.
    tg.sendAsUser(bob.id, quietSource, { text: 'quiet 0' });
    await waitFor('the other chat\'s forward', () => forwardedTo(quiet).length === 1, 30_000);
    assert.ok(forwardedTo(busy).length < 1 + burst.length, 'the quiet chat was served while the burst was still being paced');
    await waitFor('the whole burst', () => forwardedTo(busy).length === 1 + burst.length, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(forwardedTo(busy), ['burst start', ...burst], 'each once, in order');
    assert.equal(tg.stats().floodWaits - floodWaits, 0, 'the fake never had to answer FLOOD_WAIT');
    // Counted for switchboard_send_waits_total: the pacer's hand-backs, none from Telegram.
    const waits = world.runtime!.queue.dispatcher.waits();
    assert.ok((waits.find((w) => w.platform === 'telegram' && w.source === 'pacer')?.count ?? 0) > 0, JSON.stringify(waits));
    assert.equal(waits.find((w) => w.source === 'platform'), undefined);
  });
});
