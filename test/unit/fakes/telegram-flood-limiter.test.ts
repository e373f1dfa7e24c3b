/**
 * The Telegram fake's send pacing on its own, on a virtual clock: the
 * per-chat burst and refill, the per-group minute budget, the per-account
 * budget, the seconds a FLOOD_WAIT names, refunds, and what is not paced.
 */
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { FloodLimiter, TELEGRAM_FLOOD_LIMITS } from '../../fakes/telegram/flood-limiter.ts';

const user = (id: number) => new Api.InputPeerUser({ userId: bigInt(id), accessHash: bigInt(1) });
const group = (id: number) => new Api.InputPeerChat({ chatId: bigInt(id) });
const channel = (id: number) => new Api.InputPeerChannel({ channelId: bigInt(id), accessHash: bigInt(1) });
const send = (peer: Api.TypeInputPeer) => ({ peer });

function waits(limiter: FloodLimiter, method: string, sender: string, request: unknown, now: number): number | null {
  const answer = limiter.take(method, sender, request, now);
  return 'waitSeconds' in answer ? answer.waitSeconds : null;
}

describe('Telegram fake flood limiter', () => {
  it('lets a chat take a burst of 3, then one message a second, and names the seconds to wait', () => {
    const limiter = new FloodLimiter();
    for (let i = 0; i < 3; i++) assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(user(1)), 0), null);
    assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(user(1)), 0), 1);
    assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(user(1)), 999), 1);
    assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(user(1)), 1_000), null);
    assert.equal(limiter.floodWaits, 2);
    // Another chat, and the same chat of another account, have buckets of their own.
    assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(user(2)), 1_000), null);
    assert.equal(waits(limiter, 'messages.sendMessage', 'b', send(user(1)), 1_000), null);
  });

  it('holds a group, supergroup or channel to 20 a minute on top of the per-chat pace', () => {
    for (const peer of [group(5), channel(6)]) {
      const limiter = new FloodLimiter({ ...TELEGRAM_FLOOD_LIMITS, chat: { burst: 100, perSecond: 100 } });
      for (let i = 0; i < 20; i++) assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(peer), 0), null, `message ${i}`);
      // The minute budget is spent; a token comes back every 3 s.
      assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(peer), 1_000), 2);
      assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(peer), 3_000), null);
      assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(user(7)), 3_000), null, 'private chats have no minute budget');
    }
    // One message a second runs the minute budget dry after about 28 s (20 + t/3 tokens against t + 1 messages).
    const limiter = new FloodLimiter();
    let now = 0;
    for (; waits(limiter, 'messages.sendMessage', 'a', send(group(5)), now) === null; now += 1_000);
    assert.ok(now >= 27_000 && now <= 30_000, `ran dry at ${now} ms`);
  });

  it('holds an account to 30 a second over all its chats', () => {
    const limiter = new FloodLimiter();
    for (let i = 0; i < 30; i++) assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(user(100 + i)), 0), null);
    assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(user(200)), 0), 1);
    assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(user(200)), 34), null, 'a token back after 1/30 s');
  });

  it('paces forwards (by destination), media, albums and edits; one call is one message', () => {
    const limiter = new FloodLimiter({ ...TELEGRAM_FLOOD_LIMITS, chat: { burst: 1, perSecond: 1 } });
    assert.equal(waits(limiter, 'messages.forwardMessages', 'a', { fromPeer: user(9), toPeer: user(1), id: [1, 2, 3] }, 0), null);
    for (const method of ['messages.forwardMessages', 'messages.sendMedia', 'messages.sendMultiMedia', 'messages.editMessage']) {
      const request = method === 'messages.forwardMessages' ? { fromPeer: user(9), toPeer: user(1) } : send(user(1));
      assert.equal(waits(limiter, method, 'a', request, 0), 1, method);
    }
  });

  it('leaves reads and deletes alone, and gives back the token of a call refused for another reason', () => {
    const limiter = new FloodLimiter({ ...TELEGRAM_FLOOD_LIMITS, chat: { burst: 1, perSecond: 1 } });
    for (let i = 0; i < 50; i++) assert.deepEqual(limiter.take('messages.getHistory', 'a', send(user(1)), 0), { ticket: [] });
    assert.deepEqual(limiter.take('messages.deleteMessages', 'a', { id: [1] }, 0), { ticket: [] });
    const taken = limiter.take('messages.sendMessage', 'a', send(user(1)), 0);
    assert.ok('ticket' in taken);
    limiter.refund(taken.ticket);
    assert.equal(waits(limiter, 'messages.sendMessage', 'a', send(user(1)), 0), null);
  });

  it('refuses limits that cannot work, naming them', () => {
    assert.throws(() => new FloodLimiter({ ...TELEGRAM_FLOOD_LIMITS, chat: { burst: 0, perSecond: 1 } }), /floodLimits\.chat\.burst must be a positive integer/);
    assert.throws(() => new FloodLimiter({ ...TELEGRAM_FLOOD_LIMITS, account: { burst: 1, perSecond: 0 } }), /floodLimits\.account\.perSecond must be a positive number/);
  });
});
