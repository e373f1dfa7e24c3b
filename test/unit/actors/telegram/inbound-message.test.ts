/**
 * Telegram messages in the neutral model: text and entities, author (user,
 * channel, signed post), replies within the chat only, albums and times.
 */
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import { attachmentOf, authorOf, chatIdOf, deletedMessage, toNeutralMessage } from '../../../../actors/platform/telegram/inbound-message.ts';

const names = new Map([['5', 'Bob Stone'], ['-1001800000001', 'News']]);
const nameOf = (id: string) => names.get(id);
const bob = new Api.PeerUser({ userId: bigInt(5) });
const news = new Api.PeerChannel({ channelId: bigInt(1800000001) });
const group = new Api.PeerChat({ chatId: bigInt(9) });

describe('Telegram inbound messages', () => {
  it('carries a photo or document as an attachment with no URL and its Telegram reference', () => {
    const ref = Buffer.from([1, 2, 3]);
    const photo = new Api.MessageMediaPhoto({ photo: new Api.Photo({
      id: bigInt(7), accessHash: bigInt(-8), fileReference: ref, date: 1, dcId: 2,
      sizes: [new Api.PhotoSize({ type: 'm', w: 320, h: 320, size: 900 }), new Api.PhotoSize({ type: 'x', w: 800, h: 800, size: 5_000 })],
    }) });
    assert.deepEqual(attachmentOf(photo), {
      kind: 'photo', url: '', fileName: 'photo_7.jpg', sizeBytes: 5_000, contentType: 'image/jpeg',
      telegram: { type: 'photo', id: '7', accessHash: '-8', fileReference: 'AQID', dcId: 2, thumbSize: 'x' },
    });
    const voice = new Api.MessageMediaDocument({ voice: true, document: new Api.Document({
      id: bigInt(9), accessHash: bigInt(10), fileReference: ref, date: 1, dcId: 2, mimeType: 'audio/ogg', size: bigInt(1234),
      attributes: [new Api.DocumentAttributeAudio({ voice: true, duration: 3 }), new Api.DocumentAttributeFilename({ fileName: 'v.ogg' })],
    }) });
    assert.deepEqual(attachmentOf(voice), {
      kind: 'voice', url: '', fileName: 'v.ogg', sizeBytes: 1234, contentType: 'audio/ogg',
      telegram: { type: 'document', id: '9', accessHash: '10', fileReference: 'AQID', dcId: 2 },
    });
    assert.equal(attachmentOf(voice, '44')?.telegram?.messageId, '44', 'the message it was seen in, to renew the reference');
    assert.equal(attachmentOf(new Api.MessageMediaGeo({ geo: new Api.GeoPointEmpty() })), null);
  });

  it('converts a group message with entities, a reply, an album and an edit', () => {
    const m = new Api.Message({
      id: 12, peerId: group, fromId: bob, date: 1_700_000_000, message: 'bold https://x.io',
      entities: [new Api.MessageEntityBold({ offset: 0, length: 4 }), new Api.MessageEntityUrl({ offset: 5, length: 12 })],
      replyTo: new Api.MessageReplyHeader({ replyToMsgId: 11 }), groupedId: bigInt('13000000000000001'), editDate: 1_700_000_100,
    });
    assert.deepEqual(toNeutralMessage(m, nameOf), {
      platform: 'telegram', chatId: '-9', messageId: '12', author: { id: '5', name: 'Bob Stone' },
      text: { text: 'bold https://x.io', entities: [{ type: 'bold', offset: 0, length: 4 }] },
      attachments: [], at: 1_700_000_000_000, replyToMessageId: '11', groupId: '13000000000000001', editedAt: 1_700_000_100_000,
    });
    assert.equal(chatIdOf(m), '-9');
  });

  it('leaves out a reply to another chat, and names an unknown author Unknown', () => {
    const m = new Api.Message({
      id: 3, peerId: group, fromId: new Api.PeerUser({ userId: bigInt(77) }), date: 1, message: 'x',
      replyTo: new Api.MessageReplyHeader({ replyToMsgId: 2, replyToPeerId: news }),
    });
    const n = toNeutralMessage(m, nameOf);
    assert.equal(n.replyToMessageId, undefined);
    assert.deepEqual(n.author, { id: '77', name: 'Unknown' });
  });

  it('signs a broadcast post with the channel, or with the post author when signatures are on', () => {
    const post = new Api.Message({ id: 1, peerId: news, post: true, date: 1, message: 'news' });
    assert.deepEqual(authorOf(post, nameOf), { id: '-1001800000001', name: 'News' });
    const signed = new Api.Message({ id: 2, peerId: news, post: true, postAuthor: 'Editor', date: 1, message: 'news' });
    assert.deepEqual(authorOf(signed, nameOf), { id: '-1001800000001', name: 'Editor' });
    assert.equal(toNeutralMessage(post, nameOf).chatId, '-1001800000001');
  });

  it('reads the forum topic from the reply header, and a reply inside a topic as a reply', () => {
    const forum = new Api.PeerChannel({ channelId: bigInt(1_800_000_002) });
    const at = (replyTo?: Api.MessageReplyHeader) => toNeutralMessage(new Api.Message({ id: 20, peerId: forum, date: 1, message: 'x', replyTo }), nameOf);
    const inTopic = at(new Api.MessageReplyHeader({ forumTopic: true, replyToMsgId: 7 }));
    assert.equal(inTopic.topicId, '7');
    assert.equal(inTopic.replyToMessageId, undefined, 'posting into a topic is not answering its opening message');
    const answer = at(new Api.MessageReplyHeader({ forumTopic: true, replyToMsgId: 15, replyToTopId: 7 }));
    assert.equal(answer.topicId, '7');
    assert.equal(answer.replyToMessageId, '15');
    const general = at(new Api.MessageReplyHeader({ replyToMsgId: 3 }));
    assert.equal(general.topicId, undefined);
    assert.equal(general.replyToMessageId, '3');
  });

  it('describes a deleted message by its ids only', () => {
    assert.deepEqual(deletedMessage('-9', '4', 1000), {
      platform: 'telegram', chatId: '-9', messageId: '4', author: { id: '', name: '' }, text: { text: '', entities: [] }, attachments: [], at: 1000,
    });
  });
});
