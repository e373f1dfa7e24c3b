/**
 * The owner's plan caps the files the service transfers, below the
 * platform's own limit: through the real supervisor, a Pro user's Discord
 * message with a file over the Pro plan's 200 MiB arrives on Telegram with
 * that file as a line (name, size, the limit), never read, and its other
 * file posted.
 */
import assert from 'node:assert/strict';
import { PLANS } from '../../../config/plans.ts';
import type { FakeGroup, FakeUser, TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import { ForwardingWorld, waitFor } from './forwarding-fixture.ts';

describe('plan file size through the supervisor (Discord → Telegram)', function () {
  this.timeout(60_000);
  let world: ForwardingWorld;
  let tg: TelegramFake;
  let alice: FakeUser;
  let destination: FakeGroup;
  let source = '';

  before(async () => {
    world = await ForwardingWorld.create('fwd_plan_files', { telegram: true });
    tg = world.tg!;
    const owner = await world.user('pro');
    alice = tg.createUser({ phone: '+15550002001', firstName: 'Alice' });
    const bob = tg.createUser({ phone: '+15550002002', firstName: 'Bob' });
    destination = tg.createGroup({ title: 'destination', members: [alice.id, bob.id], creatorId: bob.id });
    const account = await world.telegramAccount(owner, alice);
    const bot = await world.bot(owner, 'relay');
    source = world.channel('files');
    await world.pair({
      userId: owner,
      source: { platform: 'discord', accountId: bot.accountId, chatId: source },
      destination: { platform: 'telegram', accountId: account.accountId, chatId: tg.markedId(destination) },
    });
    await world.start();
    await world.running(2);
  });

  after(async () => {
    await world?.close();
  });

  it('posts the file within the plan and names the one over it in a line', async () => {
    const overPlan = (PLANS.pro.limits.fileMb + 1) * 1024 * 1024;
    world.fake.postAsUser(source, { content: 'two files', attachments: [
      { name: 'notes.txt', content: 'fits', contentType: 'text/plain' },
      { name: 'disk.img', content: Buffer.alloc(overPlan), contentType: 'application/octet-stream' },
    ] });
    const posted = () => tg.messages(destination).filter((m) => m.fromId === alice.id);
    await waitFor('the message on Telegram', () => posted().length > 0, 30_000);
    const [message] = posted();
    assert.equal(posted().length, 1);
    assert.equal(message!.media!.data.toString(), 'fits');
    assert.match(message!.text, /📎 disk\.img \(201\.0 MiB, over the 200\.0 MiB upload limit\)/);
  });
});
