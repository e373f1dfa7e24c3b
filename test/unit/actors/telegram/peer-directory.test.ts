/**
 * The peers a Telegram client keeps instead of gramjs's entity caches:
 * needed ones for as long as they are needed, others in a bounded window,
 * no usable hash from a `min` entity, and the input peers requests need.
 */
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { PeerDirectory } from '../../../../actors/platform/telegram/peer-directory.ts';

const user = (id: number, extra: Partial<ConstructorParameters<typeof Api.User>[0]> = {}) =>
  new Api.User({ id: bigInt(id), accessHash: bigInt(id * 10), firstName: `U${id}`, ...extra });
const channel = (id: number) => new Api.Channel({ id: bigInt(id), accessHash: bigInt(id * 10), title: `C${id}`, photo: new Api.ChatPhotoEmpty(), date: 1 });

describe('PeerDirectory', () => {
  it('keeps needed peers however many others come, and at most `capacity` others', () => {
    const peers = new PeerDirectory(3);
    peers.need(['1', '-10020']);
    peers.learn([user(1), ...Array.from({ length: 10 }, (_, i) => user(100 + i))], [channel(20)]);
    assert.equal(peers.size, 2 + 3);
    assert.equal(peers.nameOf('1'), 'U1');
    assert.equal(peers.nameOf('-10020'), 'C20');
    assert.equal(peers.nameOf('109'), 'U109');
    assert.equal(peers.nameOf('100'), undefined, 'the oldest others went');
    peers.dropRecent();
    assert.equal(peers.size, 2);
  });

  it('builds input peers: users and channels with their hash, basic groups without', () => {
    const peers = new PeerDirectory(8);
    peers.learn([user(5)], [channel(1800000001)]);
    const u = peers.inputPeer('5');
    assert.ok(u instanceof Api.InputPeerUser && u.accessHash.toString() === '50');
    const c = peers.inputPeer('-1001800000001');
    assert.ok(c instanceof Api.InputPeerChannel && c.channelId.toString() === '1800000001');
    assert.ok(peers.inputPeer('-9') instanceof Api.InputPeerChat);
    assert.equal(peers.inputPeer('6'), null);
    assert.equal(peers.inputPeer('nope'), null);
    assert.equal(peers.inputChannel('1800000001')!.accessHash.toString(), '18000000010');
    assert.equal(peers.inputUser('5')!.userId.toString(), '5');
    assert.equal(peers.inputUser('6'), undefined);
  });

  it('takes names but no hash from min entities, never losing a usable hash', () => {
    const peers = new PeerDirectory(8);
    peers.need(['5', '6']);
    peers.learn([user(5)], []);
    peers.learn([user(5, { min: true, accessHash: bigInt(999), firstName: 'Renamed' }), user(6, { min: true })], []);
    assert.equal(peers.get('5')!.accessHash, '50');
    assert.equal(peers.nameOf('5'), 'Renamed');
    assert.equal(peers.get('6')!.accessHash, null);
    assert.deepEqual(peers.unresolved(), ['6']);
  });

  it('does not keep the account itself, and unpins chats no longer needed', () => {
    const peers = new PeerDirectory(1);
    peers.learn([user(1, { self: true })], []);
    assert.equal(peers.get('1'), undefined);
    peers.need(['5', '7']);
    peers.learn([user(5), user(7)], []);
    peers.retain(new Set(['7']));
    assert.deepEqual(peers.unresolved(), []);
    assert.equal(peers.size, 2, '5 moved to the recent window');
    peers.learn([user(8)], []);
    assert.equal(peers.get('5'), undefined);
  });
});
