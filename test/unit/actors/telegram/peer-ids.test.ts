/**
 * Marked chat ids: the Bot-API style gramjs's `utils.getPeerId` writes, and
 * back, for users, basic groups and channels.
 */
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import fc from 'fast-check';
import { Api, utils } from 'telegram';
import { isChannelId, markedId, parseMarkedId } from '../../../../actors/platform/telegram/peer-ids.ts';

describe('Telegram marked ids', () => {
  it('writes users as N, basic groups as -N and channels as -100N', () => {
    assert.equal(markedId({ kind: 'user', id: '777' }), '777');
    assert.equal(markedId({ kind: 'chat', id: '900000001' }), '-900000001');
    assert.equal(markedId({ kind: 'channel', id: '1800000001' }), '-1001800000001');
  });

  it('reads them back, and refuses what is no peer', () => {
    assert.deepEqual(parseMarkedId('777'), { kind: 'user', id: '777' });
    assert.deepEqual(parseMarkedId('-900000001'), { kind: 'chat', id: '900000001' });
    assert.deepEqual(parseMarkedId('-1001800000001'), { kind: 'channel', id: '1800000001' });
    for (const bad of ['', '0', '-0', 'abc', '-', '1.5', '--5', '+5']) assert.equal(parseMarkedId(bad), null, bad);
    assert.ok(isChannelId('-1001800000001'));
    assert.ok(!isChannelId('-900000001'));
  });

  it('agrees with gramjs\'s getPeerId both ways (property)', () => {
    const id = fc.bigInt({ min: 1n, max: (1n << 40n) - 1n }).map((n) => n.toString());
    fc.assert(fc.property(id, fc.constantFrom('user', 'chat', 'channel'), (raw, kind) => {
      // gramjs reads a chat id starting 100 followed by a non-zero digit as a channel; so does parseMarkedId.
      fc.pre(!(kind === 'chat' && /^100[1-9]/.test(raw)));
      const peer = kind === 'user' ? new Api.PeerUser({ userId: bigInt(raw) })
        : kind === 'chat' ? new Api.PeerChat({ chatId: bigInt(raw) }) : new Api.PeerChannel({ channelId: bigInt(raw) });
      const marked = markedId({ kind, id: raw });
      assert.equal(marked, utils.getPeerId(peer));
      assert.deepEqual(parseMarkedId(marked), { kind, id: raw });
    }));
  });
});
