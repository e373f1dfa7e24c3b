/**
 * The update pump with scripted requests: updates in sequence are reported
 * once, duplicates dropped, a gap answered with the difference (common box
 * or channel, slices included), a difference too long answered by reading
 * the chats again, and `recover` after a reconnect.
 */
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { InboundFeed } from '../../../../actors/platform/telegram/inbound-feed.ts';
import { PeerDirectory } from '../../../../actors/platform/telegram/peer-directory.ts';
import { UpdatePump } from '../../../../actors/platform/telegram/update-pump.ts';
import type { PumpIo } from '../../../../actors/platform/telegram/update-pump.ts';
import { UpdateState } from '../../../../actors/platform/telegram/update-state.ts';
import type { InboundMessage } from '../../../../src/runtime-contracts/inbound-message.ts';

const GROUP = '-9';
const CHANNEL = '-1001800000001';
const group = new Api.PeerChat({ chatId: bigInt(9) });
const channel = new Api.PeerChannel({ channelId: bigInt(1800000001) });
const bob = new Api.User({ id: bigInt(5), accessHash: bigInt(50), firstName: 'Bob' });
const msg = (id: number, peer: Api.TypePeer) => new Api.Message({ id, peerId: peer, fromId: new Api.PeerUser({ userId: bigInt(5) }), date: 100, message: `m${id}` });
const updates = (...list: Api.TypeUpdate[]) => new Api.Updates({ updates: list, users: [bob], chats: [], date: 100, seq: 0 });
const state = (pts: number) => new Api.updates.State({ pts, qts: 0, date: 100, seq: 0, unreadCount: 0 });

function setUp(io: Partial<PumpIo> = {}) {
  const out: InboundMessage[] = [];
  const calls: string[] = [];
  const errors: unknown[] = [];
  const updateState = new UpdateState();
  updateState.setCommon({ pts: 10, qts: 0, date: 100, seq: 0 });
  updateState.setChannel('1800000001', 30);
  const feed = new InboundFeed((m) => out.push(m));
  feed.watch([GROUP, CHANNEL]);
  const peers = new PeerDirectory(8);
  peers.learn([], [new Api.Channel({ id: bigInt(1800000001), accessHash: bigInt(1), title: 'C', photo: new Api.ChatPhotoEmpty(), date: 1 })]);
  const fullIo: PumpIo = {
    difference: async () => { calls.push('difference'); return new Api.updates.DifferenceEmpty({ date: 100, seq: 0 }); },
    channelDifference: async () => { calls.push('channelDifference'); return new Api.updates.ChannelDifferenceEmpty({ final: true, pts: 30 }); },
    catchUpChat: async (chatId) => { calls.push(`catchUp ${chatId}`); },
    learnAuthor: async () => { calls.push('learnAuthor'); },
    messagesAround: async () => { calls.push('messagesAround'); return []; },
    ...io,
  };
  const checkpoints: number[] = [];
  const tooLong: string[][] = [];
  const pump = new UpdatePump({
    state: updateState, feed, peers, io: () => fullIo, onError: (e) => errors.push(e),
    checkpoint: () => checkpoints.push(updateState.common!.pts), tooLong: (chatIds) => tooLong.push(chatIds),
  });
  const idle = () => pump.run(async () => {});
  const texts = () => out.map((m) => `${m.kind} ${m.chatId} ${m.messageId}`);
  return { pump, out, calls, errors, updateState, idle, texts, checkpoints, tooLong };
}

describe('UpdatePump', () => {
  it('reports updates in sequence once and drops duplicates, without asking anything', async () => {
    const t = setUp();
    t.pump.push(updates(new Api.UpdateNewMessage({ message: msg(1, group), pts: 11, ptsCount: 1 })), null);
    t.pump.push(updates(new Api.UpdateNewMessage({ message: msg(1, group), pts: 11, ptsCount: 1 })), null);
    t.pump.push(updates(new Api.UpdateNewChannelMessage({ message: msg(31, channel), pts: 31, ptsCount: 1 })), null);
    t.pump.push(updates(new Api.UpdateEditChannelMessage({ message: msg(31, channel), pts: 31, ptsCount: 1 })), null);
    t.pump.advance(12, 1, null);
    await t.idle();
    assert.deepEqual(t.texts(), [`new ${GROUP} 1`, `new ${CHANNEL} 31`]);
    assert.deepEqual(t.calls, []);
    assert.equal(t.updateState.common!.pts, 12);
    assert.equal(t.updateState.channelPts('1800000001'), 31);
  });

  it('fills a common-box gap from the difference, slices included, and drops the update once it arrives', async () => {
    const rounds = [
      new Api.updates.DifferenceSlice({
        newMessages: [msg(1, group)], newEncryptedMessages: [], otherUpdates: [], chats: [], users: [bob], intermediateState: state(11),
      }),
      new Api.updates.Difference({
        newMessages: [msg(2, group)], newEncryptedMessages: [],
        otherUpdates: [new Api.UpdateEditMessage({ message: new Api.Message({ ...msg(1, group), editDate: 200 }), pts: 13, ptsCount: 1 })],
        chats: [], users: [], state: state(13),
      }),
    ];
    const t = setUp({ difference: async () => rounds.shift()! });
    t.pump.push(updates(new Api.UpdateNewMessage({ message: msg(2, group), pts: 12, ptsCount: 1 })), null);
    t.pump.push(updates(new Api.UpdateNewMessage({ message: msg(2, group), pts: 12, ptsCount: 1 })), null);
    await t.idle();
    assert.deepEqual(t.texts(), [`new ${GROUP} 1`, `new ${GROUP} 2`, `edit ${GROUP} 1`]);
    assert.equal(t.updateState.common!.pts, 13);
    assert.equal(rounds.length, 0);
  });

  it('fills a channel gap from the channel difference until final', async () => {
    const pages = [
      new Api.updates.ChannelDifference({ final: false, pts: 31, newMessages: [msg(31, channel)], otherUpdates: [], chats: [], users: [] }),
      new Api.updates.ChannelDifference({
        final: true, pts: 33, newMessages: [msg(32, channel)],
        otherUpdates: [new Api.UpdateDeleteChannelMessages({ channelId: bigInt(1800000001), messages: [31], pts: 33, ptsCount: 1 })], chats: [], users: [],
      }),
    ];
    const asked: number[] = [];
    const t = setUp({ channelDifference: async (_id, pts) => { asked.push(pts); return pages.shift()!; } });
    t.pump.push(updates(new Api.UpdateNewChannelMessage({ message: msg(33, channel), pts: 34, ptsCount: 1 })), null);
    await t.idle();
    assert.deepEqual(asked, [30, 31]);
    assert.deepEqual(t.texts(), [`new ${CHANNEL} 31`, `new ${CHANNEL} 32`, `delete ${CHANNEL} 31`]);
    assert.equal(t.updateState.channelPts('1800000001'), 33);
  });

  it('reads the chats again when the difference is too long to replay, says so, and moves the state only after', async () => {
    let ptsDuringCatchUp = 0;
    const t = setUp({
      difference: async () => new Api.updates.DifferenceTooLong({ pts: 500 }),
      catchUpChat: async () => { ptsDuringCatchUp = t.updateState.common!.pts; },
    });
    t.pump.push(new Api.UpdatesTooLong(), null);
    await t.idle();
    assert.equal(ptsDuringCatchUp, 10, 'a checkpoint meanwhile must not skip the history still to read');
    assert.equal(t.updateState.common!.pts, 500);
    assert.deepEqual(t.tooLong, [[GROUP]]);
    assert.equal(t.checkpoints.at(-1), 500, 'checkpointed once the step is done');
  });

  it('reads a channel again when its difference is too long, says so, and takes the dialog\'s pts after', async () => {
    const dialog = new Api.Dialog({
      peer: channel, topMessage: 90, readInboxMaxId: 0, readOutboxMaxId: 0, unreadCount: 0, unreadMentionsCount: 0, unreadReactionsCount: 0,
      notifySettings: new Api.PeerNotifySettings({}), pts: 90,
    });
    let ptsDuringCatchUp: number | undefined;
    const t = setUp({
      channelDifference: async () => new Api.updates.ChannelDifferenceTooLong({ final: true, dialog, messages: [], chats: [], users: [] }),
      catchUpChat: async () => { ptsDuringCatchUp = t.updateState.channelPts('1800000001'); },
    });
    await t.pump.run(() => t.pump.recover());
    assert.equal(ptsDuringCatchUp, 30);
    assert.equal(t.updateState.channelPts('1800000001'), 90);
    assert.deepEqual(t.tooLong, [[CHANNEL]]);
  });

  it('recovers after a reconnect: the difference, then each watched channel\'s', async () => {
    const t = setUp();
    await t.pump.run(() => t.pump.recover());
    assert.deepEqual(t.calls, ['difference', 'channelDifference']);
  });

  it('learns an author a short update named only by id, and goes on after a failing step', async () => {
    const t = setUp({ learnAuthor: async () => { throw new Error('network'); } });
    t.pump.push(new Api.UpdateShortChatMessage({ id: 3, fromId: bigInt(77), chatId: bigInt(9), message: 'hi', pts: 11, ptsCount: 1, date: 1 }), null);
    t.pump.push(updates(new Api.UpdateNewMessage({ message: msg(4, group), pts: 12, ptsCount: 1 })), null);
    await t.idle();
    assert.deepEqual(t.texts(), [`new ${GROUP} 3`, `new ${GROUP} 4`]);
    assert.equal(t.errors.length, 1);
  });

  it('holds what is pushed until released', async () => {
    const t = setUp();
    const { ready, release } = t.pump.hold();
    await ready;
    t.pump.push(updates(new Api.UpdateNewMessage({ message: msg(1, group), pts: 11, ptsCount: 1 })), null);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(t.out, []);
    release();
    await t.idle();
    assert.equal(t.out.length, 1);
  });
});
