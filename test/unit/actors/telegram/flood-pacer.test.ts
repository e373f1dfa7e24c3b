/**
 * The Telegram send pacer alone, on a virtual clock: seeded with the
 * documented limits (less a margin), a chat's burst then its pace, a
 * group's minute budget, the account's budget, booked slots that let a
 * waiting task through first, a FLOOD_WAIT honoured and learnt (the busy
 * account or else the chat slows down, and recovers), and a sustained
 * load within Telegram's limits that the pacer never holds back.
 */
import assert from 'node:assert/strict';
import { FloodPacer } from '../../../../actors/platform/telegram/flood-pacer.ts';
import { resolvePacing } from '../../../../actors/platform/telegram/pacing-options.ts';

const PRIVATE = '777';
const GROUP = '-555';
const CHANNEL = '-1009999';

describe('Telegram flood pacer', () => {
  it('lets a private chat take 2 at once, then about one a second, and says how long to wait', () => {
    const pacer = new FloodPacer();
    assert.deepEqual(pacer.admit(PRIVATE, 'k1', 0), { go: true });
    assert.deepEqual(pacer.admit(PRIVATE, 'k2', 0), { go: true });
    assert.deepEqual(pacer.admit(PRIVATE, 'k3', 0), { go: false, scope: 'chat', waitMs: 1_112 });
    // Other chats are not held back by this one.
    assert.deepEqual(pacer.admit('778', 'k4', 0), { go: true });
  });

  it('books the slot of a task it turns away: that task goes when it comes back, a newcomer waits behind it', () => {
    const pacer = new FloodPacer();
    pacer.admit(PRIVATE, 'a', 0);
    pacer.admit(PRIVATE, 'b', 0);
    const c = pacer.admit(PRIVATE, 'c', 0);
    const d = pacer.admit(PRIVATE, 'd', 100);
    assert.ok(!c.go && !d.go);
    assert.ok(d.waitMs + 100 > c.waitMs + 1_000, 'd is booked a slot after c');
    assert.deepEqual(pacer.admit(PRIVATE, 'c', 500), { go: false, scope: 'chat', waitMs: c.waitMs - 500 }, 'too early: still waits');
    const e = pacer.admit(PRIVATE, 'e', c.waitMs);
    assert.ok(!e.go && Math.abs(e.waitMs - (d.waitMs + 100 - c.waitMs + 1_111)) <= 1, `e waits behind d: ${JSON.stringify(e)}`);
    assert.deepEqual(pacer.admit(PRIVATE, 'c', c.waitMs), { go: true }, 'c goes on its booked slot, whoever came meanwhile');
    assert.deepEqual(pacer.admit(PRIVATE, 'd', 100 + d.waitMs), { go: true });
  });

  it('holds a group or channel to its minute budget on top of the chat pace', () => {
    for (const chat of [GROUP, CHANNEL]) {
      const pacer = new FloodPacer(resolvePacing({ chat: { burst: 100, perSecond: 100 } }));
      for (let i = 0; i < 18; i++) assert.deepEqual(pacer.admit(chat, `k${i}`, 0), { go: true }, `message ${i}`);
      const next = pacer.admit(chat, 'k18', 0);
      assert.deepEqual(next, { go: false, scope: 'chat', waitMs: 3_334 });
      assert.deepEqual(pacer.admit(PRIVATE, 'p', 0), { go: true }, 'a private chat has no minute budget');
    }
  });

  it('holds the account to its budget over all chats; the whole account waits, nothing is booked', () => {
    const pacer = new FloodPacer();
    for (let i = 0; i < 25; i++) assert.deepEqual(pacer.admit(String(1_000 + i), `k${i}`, 0), { go: true });
    const over = pacer.admit('2000', 'over', 0);
    assert.deepEqual(over, { go: false, scope: 'account', waitMs: 38 });
    assert.deepEqual(pacer.admit('2000', 'over', 38), { go: true });
  });

  it('counts every request of a message split in parts, and lets a message longer than the burst go once the chat is idle', () => {
    const pacer = new FloodPacer();
    assert.deepEqual(pacer.admit(PRIVATE, 'long', 0, 2), { go: true });
    assert.equal(pacer.admit(PRIVATE, 'next', 0).go, false);
    const huge = new FloodPacer();
    assert.deepEqual(huge.admit(PRIVATE, 'five-parts', 0, 5), { go: true });
  });

  it('honours a FLOOD_WAIT on the whole account, and slows the chat it came from when the account was not busy', () => {
    const pacer = new FloodPacer();
    assert.equal(pacer.flooded(PRIVATE, 3_000, 0), 'chat');
    assert.deepEqual(pacer.admit('other', 'k', 1_000), { go: false, scope: 'account', waitMs: 2_000 });
    assert.deepEqual(pacer.admit('other', 'k', 3_000), { go: true });
    const slowdown = pacer.slowdown(PRIVATE, 3_000);
    assert.ok(Math.abs(slowdown.chat - 1.995) < 1e-9 && slowdown.account === 1, JSON.stringify(slowdown));
    // Half the pace: the third message in a row waits twice as long as it would have.
    pacer.admit(PRIVATE, 'a', 3_000);
    pacer.admit(PRIVATE, 'b', 3_000);
    const c = pacer.admit(PRIVATE, 'c', 3_000);
    assert.ok(!c.go && c.waitMs > 2_000 && c.waitMs < 2_300, `waits ${JSON.stringify(c)}`);
    assert.equal(pacer.slowdown(PRIVATE, 603_000).chat, 1, 'recovered after recoveryMs');
  });

  it('blames the account when it was busy, and slows down further on repeated floods, to at most an eighth', () => {
    const pacer = new FloodPacer();
    for (let i = 0; i < 20; i++) pacer.admit(String(1_000 + i), `k${i}`, 0);
    assert.equal(pacer.flooded('1000', 1_000, 0), 'account');
    assert.equal(pacer.slowdown('1000', 0).account, 2);
    const quiet = new FloodPacer();
    for (let i = 0; i < 5; i++) quiet.flooded(PRIVATE, 1_000, 0);
    assert.equal(quiet.slowdown(PRIVATE, 0).chat, 8);
  });

  it('never holds back a sustained load within Telegram\'s limits: 20/s over 40 chats, each every 2 s, with jitter', () => {
    const pacer = new FloodPacer();
    let held = 0;
    let seq = 0;
    for (let t = 0; t < 600_000; t += 50) {
      const at = t + ((seq * 7919) % 40);
      if (!pacer.admit(String(1_000 + (seq % 40)), `m${seq}`, at).go) held += 1;
      seq += 1;
    }
    assert.equal(held, 0);
    assert.ok(pacer.chats <= 40);
  });

  it('forgets idle chats', () => {
    const pacer = new FloodPacer();
    for (let i = 0; i < 100; i++) pacer.admit(String(1_000 + i), `k${i}`, 0);
    assert.equal(pacer.chats, 100);
    pacer.admit(PRIVATE, 'late', 700_000);
    assert.equal(pacer.chats, 1);
  });
});

describe('Telegram pacing options', () => {
  const refuses = (value: unknown, message: string): void => {
    assert.throws(() => resolvePacing(value), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'invalid_option');
      assert.equal(err.message, message);
      return true;
    });
  };

  it('takes the documented limits less a margin by default, and overrides one part', () => {
    assert.deepEqual(resolvePacing(undefined), {
      chat: { burst: 2, perSecond: 0.9 }, group: { burst: 18, perSecond: 0.3 }, account: { burst: 25, perSecond: 27 }, recoveryMs: 600_000,
    });
    assert.deepEqual(resolvePacing({ account: { burst: 5, perSecond: 5 } }).account, { burst: 5, perSecond: 5 });
  });

  it('refuses bad options with exact messages', () => {
    refuses(5, 'options.pacing must be an object');
    refuses({ chat: 1 }, 'options.pacing.chat must be an object with burst and perSecond');
    refuses({ group: { burst: 0, perSecond: 1 } }, 'options.pacing.group.burst must be a positive integer');
    refuses({ account: { burst: 1, perSecond: 0 } }, 'options.pacing.account.perSecond must be a finite number greater than 0');
    refuses({ recoveryMs: 0 }, 'options.pacing.recoveryMs must be a whole number of ms, 1 or more');
  });
});
