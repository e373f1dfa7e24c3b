/**
 * The Telegram fake's files and media against the real gramjs client:
 * upload.saveFilePart / saveBigFilePart and their size rules, sendMedia with
 * uploaded and referenced files, albums by sendMultiMedia (one grouped_id,
 * random_id dedupe, what may not mix), forwards carrying media, and
 * upload.getFile reading a stored file back within its offset/limit rules.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import type { TelegramClient } from 'telegram';
import { TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import type { FakeGroup, FakeUser } from '../../fakes/telegram/telegram-fake.ts';
import { inputChat, loggedInClient, rpcError } from './telegram-test-kit.ts';

const KB = 1024;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function bytes(size: number, seed = 1): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

function png(size: number, seed = 1): Buffer {
  return Buffer.concat([PNG, bytes(size - PNG.length, seed)]);
}

let nextFileId = 1n;

describe('Telegram fake: files and media (with the real gramjs client)', function () {
  this.timeout(60_000);
  let fake: TelegramFake;
  let alice: FakeUser;
  let bob: FakeUser;
  let group: FakeGroup;
  let client: TelegramClient;

  /** Uploads `data` in parts of `partSize` (saveBigFilePart when `big`); the InputFile naming it. */
  async function upload(data: Buffer, name: string, partSize = 512 * KB, big = data.length > 10 * 1024 * KB): Promise<Api.TypeInputFile> {
    const fileId = bigInt((nextFileId++).toString());
    const parts = Math.max(1, Math.ceil(data.length / partSize));
    for (let i = 0; i < parts; i += 1) {
      const chunk = data.subarray(i * partSize, (i + 1) * partSize);
      const request = big
        ? new Api.upload.SaveBigFilePart({ fileId, filePart: i, fileTotalParts: parts, bytes: chunk })
        : new Api.upload.SaveFilePart({ fileId, filePart: i, bytes: chunk });
      assert.equal(await client.invoke(request), true);
    }
    return big
      ? new Api.InputFileBig({ id: fileId, parts, name })
      : new Api.InputFile({ id: fileId, parts, name, md5Checksum: createHash('md5').update(data).digest('hex') });
  }

  const document = (file: Api.TypeInputFile, mimeType: string, ...attributes: Api.TypeDocumentAttribute[]) =>
    new Api.InputMediaUploadedDocument({ file, mimeType, attributes });
  const named = (fileName: string) => new Api.DocumentAttributeFilename({ fileName });
  const posted = () => fake.messages(group).filter((m) => m.fromId === alice.id);

  async function sendMedia(media: Api.TypeInputMedia, message = '', randomId = bigInt(String(Date.now()) + String(nextFileId++))): Promise<Api.TypeUpdates> {
    return client.invoke(new Api.messages.SendMedia({ peer: inputChat(group), media, message, randomId }));
  }

  /** Uploads then stores a file (messages.uploadMedia), as an album needs; the InputMedia naming it. */
  async function stored(media: Api.TypeInputMedia): Promise<Api.TypeInputMedia> {
    const answer = await client.invoke(new Api.messages.UploadMedia({ peer: inputChat(group), media }));
    if (answer instanceof Api.MessageMediaPhoto && answer.photo instanceof Api.Photo) {
      const p = answer.photo;
      return new Api.InputMediaPhoto({ id: new Api.InputPhoto({ id: p.id, accessHash: p.accessHash, fileReference: p.fileReference }) });
    }
    if (answer instanceof Api.MessageMediaDocument && answer.document instanceof Api.Document) {
      const d = answer.document;
      return new Api.InputMediaDocument({ id: new Api.InputDocument({ id: d.id, accessHash: d.accessHash, fileReference: d.fileReference }) });
    }
    throw new Error(`uploadMedia answered ${answer.className}`);
  }

  beforeEach(async () => {
    fake = await TelegramFake.start({ floodLimits: false });
    alice = fake.createUser({ phone: '+15550000001', firstName: 'Alice' });
    bob = fake.createUser({ phone: '+15550000002', firstName: 'Bob' });
    group = fake.createGroup({ title: 'Group', members: [bob.id], creatorId: alice.id });
    client = (await loggedInClient(fake, alice.phone)).client;
  });

  afterEach(async () => {
    await client.destroy();
    await fake.close();
  });

  it('posts an uploaded photo with its caption; the message carries a photo with its size', async () => {
    const data = png(300 * KB);
    const answer = await sendMedia(new Api.InputMediaUploadedPhoto({ file: await upload(data, 'a.png', 128 * KB) }), 'a caption');
    assert.ok(answer instanceof Api.Updates, 'media sends answer the long form');
    assert.ok(answer.updates.some((u) => u instanceof Api.UpdateMessageID));
    const [message] = posted();
    assert.equal(message!.text, 'a caption');
    assert.equal(message!.media?.kind, 'photo');
    assert.ok(message!.media!.data.equals(data));
    const history = await client.invoke(new Api.messages.GetHistory({ peer: inputChat(group), limit: 1 }));
    const tl = (history as Api.messages.Messages).messages[0] as Api.Message;
    assert.ok(tl.media instanceof Api.MessageMediaPhoto);
    assert.equal(((tl.media.photo as Api.Photo).sizes[0] as Api.PhotoSize).size, data.length);
  });

  it('posts a document with its file name, mime type and a voice flag', async () => {
    const data = bytes(5 * KB);
    await sendMedia(document(await upload(data, 'v.ogg'), 'audio/ogg', new Api.DocumentAttributeAudio({ voice: true, duration: 0 }), named('v.ogg')));
    const history = await client.invoke(new Api.messages.GetHistory({ peer: inputChat(group), limit: 1 }));
    const media = ((history as Api.messages.Messages).messages[0] as Api.Message).media as Api.MessageMediaDocument;
    assert.equal(media.voice, true);
    const doc = media.document as Api.Document;
    assert.equal(doc.mimeType, 'audio/ogg');
    assert.equal(Number(doc.size.toString()), data.length);
    assert.ok(doc.attributes.some((a) => a instanceof Api.DocumentAttributeFilename && a.fileName === 'v.ogg'));
  });

  it('refuses parts of a bad size, an empty part, a missing part, a wrong checksum, a photo that is not an image', async () => {
    const fileId = bigInt(99);
    assert.equal(await rpcError(client.invoke(new Api.upload.SaveFilePart({ fileId, filePart: 0, bytes: bytes(512 * KB + 1) }))), '400 FILE_PART_SIZE_INVALID');
    assert.equal(await rpcError(client.invoke(new Api.upload.SaveFilePart({ fileId, filePart: 0, bytes: Buffer.alloc(0) }))), '400 FILE_PART_EMPTY');
    // Parts of 1000 bytes are not a multiple of 1 KB: found when the file is used.
    const odd = await upload(bytes(3000), 'odd.bin', 1000);
    assert.equal(await rpcError(sendMedia(document(odd, 'application/octet-stream'))), '400 FILE_PART_SIZE_INVALID');
    const gap = bigInt(100);
    await client.invoke(new Api.upload.SaveFilePart({ fileId: gap, filePart: 1, bytes: bytes(KB) }));
    assert.equal(await rpcError(sendMedia(document(new Api.InputFile({ id: gap, parts: 2, name: 'x', md5Checksum: '' }), 'text/plain'))), '400 FILE_PART_0_MISSING');
    const sum = await upload(bytes(2 * KB), 'sum.bin');
    (sum as Api.InputFile).md5Checksum = '0'.repeat(32);
    assert.equal(await rpcError(sendMedia(document(sum, 'text/plain'))), '400 MD5_CHECKSUM_INVALID');
    assert.equal(await rpcError(sendMedia(new Api.InputMediaUploadedPhoto({ file: await upload(bytes(2 * KB), 'x.png') }))), '400 IMAGE_PROCESS_FAILED');
    assert.equal(posted().length, 0);
  });

  it('a file over 10 MB must be a big file; saveBigFilePart checks its total, which may not pass 4 000 parts', async () => {
    const data = bytes(10 * 1024 * KB + 512 * KB);
    const parts = 21;
    const fileId = bigInt(7);
    let refused = '';
    for (let i = 0; i < parts && refused === ''; i += 1) {
      refused = await rpcError(client.invoke(new Api.upload.SaveFilePart({ fileId, filePart: i, bytes: data.subarray(i * 512 * KB, (i + 1) * 512 * KB) }))).catch(() => '');
    }
    assert.equal(refused, '400 FILE_PARTS_INVALID');
    assert.equal(await rpcError(client.invoke(new Api.upload.SaveBigFilePart({ fileId: bigInt(8), filePart: 0, fileTotalParts: 4001, bytes: bytes(KB) }))), '400 FILE_PARTS_INVALID');
    assert.equal(await rpcError(client.invoke(new Api.upload.SaveBigFilePart({ fileId: bigInt(9), filePart: 0, fileTotalParts: 3, bytes: bytes(1000) }))), '400 FILE_PART_SIZE_INVALID');
    const big = await upload(data, 'big.bin');
    await sendMedia(document(big, 'application/zip', named('big.bin')));
    assert.equal(posted()[0]!.media!.data.length, data.length);
    assert.equal(await rpcError(sendMedia(new Api.InputMediaUploadedPhoto({ file: await upload(png(data.length), 'big.png') }))), '400 PHOTO_SAVE_FILE_INVALID');
  });

  it('posts an album as one grouped_id in order; a redelivered album posts nothing twice', async () => {
    const items = [
      await stored(new Api.InputMediaUploadedPhoto({ file: await upload(png(2 * KB, 1), '1.png') })),
      await stored(document(await upload(bytes(3 * KB), 'v.mp4'), 'video/mp4', new Api.DocumentAttributeVideo({ duration: 1, w: 10, h: 10 }))),
      await stored(new Api.InputMediaUploadedPhoto({ file: await upload(png(2 * KB, 3), '3.png') })),
    ];
    const randomIds = [11, 12, 13].map((n) => bigInt(n));
    const multiMedia = items.map((media, i) => new Api.InputSingleMedia({ media, randomId: randomIds[i]!, message: i === 0 ? 'album' : '' }));
    const answer = await client.invoke(new Api.messages.SendMultiMedia({ peer: inputChat(group), multiMedia }));
    assert.equal((answer as Api.Updates).updates.filter((u) => u instanceof Api.UpdateMessageID).length, 3);
    const album = posted();
    assert.equal(album.length, 3);
    assert.equal(new Set(album.map((m) => m.groupedId)).size, 1);
    assert.notEqual(album[0]!.groupedId, null);
    assert.deepEqual(album.map((m) => m.media!.kind), ['photo', 'document', 'photo']);
    assert.equal(album[0]!.text, 'album');
    assert.equal(await rpcError(client.invoke(new Api.messages.SendMultiMedia({ peer: inputChat(group), multiMedia }))), '500 RANDOM_ID_DUPLICATE');
    assert.equal(posted().length, 3);
  });

  it('refuses albums of one item, of eleven, of uploaded files, and of documents mixed with photos', async () => {
    const photo = await stored(new Api.InputMediaUploadedPhoto({ file: await upload(png(2 * KB), 'p.png') }));
    const doc = await stored(document(await upload(bytes(2 * KB), 'd.txt'), 'text/plain', named('d.txt')));
    let n = 100;
    const album = (...media: Api.TypeInputMedia[]) => client.invoke(new Api.messages.SendMultiMedia({
      peer: inputChat(group), multiMedia: media.map((m) => new Api.InputSingleMedia({ media: m, randomId: bigInt(n++), message: '' })),
    }));
    assert.equal(await rpcError(album(photo)), '400 MEDIA_INVALID');
    assert.equal(await rpcError(album(...Array.from({ length: 11 }, () => photo))), '400 MULTI_MEDIA_TOO_LONG');
    assert.equal(await rpcError(album(photo, new Api.InputMediaUploadedPhoto({ file: await upload(png(2 * KB), 'q.png') }))), '400 MEDIA_INVALID');
    assert.equal(await rpcError(album(photo, doc)), '400 MEDIA_INVALID');
    await album(doc, doc);
    assert.equal(posted().length, 2);
  });

  it('refuses a caption over 1 024 characters', async () => {
    const file = await upload(png(2 * KB), 'p.png');
    assert.equal(await rpcError(sendMedia(new Api.InputMediaUploadedPhoto({ file }), 'x'.repeat(1025))), '400 MEDIA_CAPTION_TOO_LONG');
  });

  it('sends a stored file again by reference; a wrong file_reference is FILE_REFERENCE_EXPIRED', async () => {
    const photo = await stored(new Api.InputMediaUploadedPhoto({ file: await upload(png(2 * KB), 'p.png') })) as Api.InputMediaPhoto;
    await sendMedia(photo, 'again');
    assert.equal(posted()[0]!.media!.kind, 'photo');
    const ref = photo.id as Api.InputPhoto;
    const stale = new Api.InputMediaPhoto({ id: new Api.InputPhoto({ id: ref.id, accessHash: ref.accessHash, fileReference: Buffer.from('stale') }) });
    assert.equal(await rpcError(sendMedia(stale)), '400 FILE_REFERENCE_EXPIRED');
  });

  it('a forward carries the media by reference; drop_author leaves the header off', async () => {
    const photo = fake.storeMedia({ kind: 'photo', data: png(2 * KB) });
    const source = fake.sendAsUser(bob.id, group, { text: 'from bob', media: photo });
    const peer = inputChat(group);
    await client.invoke(new Api.messages.ForwardMessages({ fromPeer: peer, toPeer: peer, id: [source.ids[alice.id]!], randomId: [bigInt(5)], dropAuthor: true }));
    const copy = posted()[0]!;
    assert.equal(copy.media?.id, photo.id);
    assert.equal(copy.forwardedFrom, null);
  });

  it('reads a stored file back with upload.getFile within the offset and limit rules', async () => {
    const data = bytes(1024 * KB + 300 * KB);
    const doc = fake.storeMedia({ kind: 'document', data, fileName: 'f.bin' });
    const location = new Api.InputDocumentFileLocation({ id: bigInt(doc.id), accessHash: bigInt(doc.accessHash), fileReference: doc.fileReference, thumbSize: '' });
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < data.length; offset += 512 * KB) {
      const piece = await client.invoke(new Api.upload.GetFile({ location, offset: bigInt(offset), limit: 512 * KB }));
      chunks.push((piece as Api.upload.File).bytes);
    }
    assert.ok(Buffer.concat(chunks).equals(data));
    assert.equal(await rpcError(client.invoke(new Api.upload.GetFile({ location, offset: bigInt(0), limit: 5000 }))), '400 LIMIT_INVALID');
    assert.equal(await rpcError(client.invoke(new Api.upload.GetFile({ location, offset: bigInt(1000), limit: 4096 }))), '400 OFFSET_INVALID');
    assert.equal(await rpcError(client.invoke(new Api.upload.GetFile({ location, offset: bigInt(768 * KB), limit: 512 * KB }))), '400 LIMIT_INVALID');
    const stale = new Api.InputDocumentFileLocation({ id: bigInt(doc.id), accessHash: bigInt(doc.accessHash), fileReference: Buffer.from('x'), thumbSize: '' });
    assert.equal(await rpcError(client.invoke(new Api.upload.GetFile({ location: stale, offset: bigInt(0), limit: 4096 }))), '400 FILE_REFERENCE_EXPIRED');
  });
});
