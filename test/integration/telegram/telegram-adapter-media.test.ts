/**
 * The Telegram adapter sending files against the fake, from a local HTTP
 * source: a photo with its caption, several files as one album in order
 * (more than ten as several albums, documents apart from photos), a text
 * too long for a caption sent before the files, files over the upload limit
 * or refused by their source as link lines, a failing source as a transient
 * failure, a redelivered task posting nothing twice, and an edit changing
 * the caption.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SendResult, SendTask } from '../../../src/runtime-contracts/actor-contract.ts';
import type { PlatformClient } from '../../../actors/platform/platform-client.ts';
import type { Attachment } from '../../../src/forwarding/message/neutral-message.ts';
import type { FakeMessage } from '../../fakes/telegram/telegram-fake.ts';
import { adapterClient, outgoing, recordingCallbacks, startWorld } from './adapter-test-kit.ts';
import type { World } from './adapter-test-kit.ts';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function png(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size, seed);
  PNG.copy(b);
  return b;
}

describe('Telegram adapter: files', function () {
  this.timeout(60_000);
  let world: World;
  let client: PlatformClient;
  let server: Server;
  let base = '';
  let seq = 0;
  const files = new Map<string, { data: Buffer; status?: number }>();
  const served: string[] = [];

  function serve(name: string, data: Buffer, contentType: string, sizeBytes = data.length, status?: number): Attachment {
    files.set(name, { data, ...(status === undefined ? {} : { status }) });
    const kind = contentType.startsWith('image/') ? 'photo' : contentType.startsWith('video/') ? 'video' : 'document';
    return { kind, url: `${base}/${name}`, fileName: name, sizeBytes, contentType };
  }

  function task(payload: unknown, extra: Partial<SendTask> = {}): SendTask {
    seq += 1;
    return { taskId: `t${seq}`, idempotencyKey: `key-${seq}`, pairId: 'p1', op: 'send', chatId: world.chats.supergroup, payload, ...extra };
  }

  function ids(result: SendResult): string[] {
    assert.ok(result.ok, result.ok ? '' : `${result.kind}: ${result.message}`);
    return result.destinationMessageIds;
  }

  const posted = (): FakeMessage[] => world.fake.messages(world.supergroup).filter((m) => m.fromId === world.account.id);

  before(async () => {
    server = createServer((req, res) => {
      const name = decodeURIComponent((req.url ?? '/').slice(1));
      served.push(name);
      const file = files.get(name);
      if (file === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(file.status ?? 200, { 'content-length': file.data.length }).end(file.data);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(async () => {
    world = await startWorld({}, { uploadLimitBytes: 3 * 1024 * 1024 });
    client = adapterClient(world.runtime, world.saved, recordingCallbacks().callbacks);
    await client.connect(null);
  });

  afterEach(async () => {
    await client.disconnect();
    await world.fake.close();
  });

  it('posts one image as a photo with the text as its caption', async () => {
    const data = png(700 * 1024, 1);
    const result = ids(await client.send(task(outgoing('look **here**', {
      text: { text: 'look here', entities: [{ type: 'bold', offset: 5, length: 4 }] }, copyMode: false,
      attachments: [serve('cat.png', data, 'image/png')],
    }))));
    const [photo] = posted();
    assert.deepEqual(result, [String(photo!.id)]);
    assert.equal(photo!.media?.kind, 'photo');
    assert.ok(photo!.media!.data.equals(data), 'the bytes arrive whole, uploaded in parts');
    assert.equal(photo!.text, 'Alice forwarded:\nlook here');
    assert.ok(photo!.entities.some((e) => e.className === 'MessageEntityBold' && e.offset === 22));
    assert.equal(photo!.groupedId, null);
  });

  it('posts several files as one album, in order, the caption on the first; redelivered, it posts nothing twice', async () => {
    const attachments = [
      serve('a.png', png(2_000, 2), 'image/png'),
      serve('b.mp4', Buffer.alloc(3_000, 3), 'video/mp4'),
      serve('c.jpg', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(1_000, 4)]), 'image/jpeg'),
    ];
    const t = task(outgoing('three files', { attachments }));
    const first = ids(await client.send(t));
    const album = posted();
    assert.equal(album.length, 3);
    assert.deepEqual(first, album.map((m) => String(m.id)));
    assert.equal(new Set(album.map((m) => m.groupedId)).size, 1);
    assert.notEqual(album[0]!.groupedId, null);
    assert.deepEqual(album.map((m) => m.media!.data.length), [2_000, 3_000, 1_003]);
    assert.deepEqual(album.map((m) => m.text), ['three files', '', '']);
    assert.equal(album[1]!.media!.mimeType, 'video/mp4');
    const again = ids(await client.send({ ...t, taskId: 'again' }));
    assert.equal(posted().length, 3, 'nothing posted twice');
    assert.deepEqual(again, first, 'the redelivery finds the messages it made');
  });

  it('a single file redelivered posts nothing twice', async () => {
    const t = task(outgoing('once', { attachments: [serve('once.txt', Buffer.from('hello'), 'text/plain')] }));
    const first = ids(await client.send(t));
    const again = ids(await client.send({ ...t, taskId: 'again' }));
    assert.equal(posted().length, 1);
    assert.deepEqual(again, first);
    assert.equal(posted()[0]!.media!.kind, 'document');
  });

  it('splits twelve photos into albums of ten and two; documents go in their own album', async () => {
    const photos = Array.from({ length: 12 }, (_, i) => serve(`p${i}.png`, png(1_000, i), 'image/png'));
    const docs = [serve('d1.pdf', Buffer.alloc(500, 1), 'application/pdf'), serve('d2.pdf', Buffer.alloc(500, 2), 'application/pdf')];
    ids(await client.send(task(outgoing('', { attachments: [...photos, ...docs] }))));
    const all = posted();
    assert.equal(all.length, 14);
    const groups = [...new Set(all.map((m) => m.groupedId))];
    assert.equal(groups.length, 3);
    assert.deepEqual(groups.map((g) => all.filter((m) => m.groupedId === g).length), [10, 2, 2]);
    assert.deepEqual(all.map((m) => m.media!.kind), [...Array(12).fill('photo'), 'document', 'document']);
  });

  it('a text too long for a caption goes first, then the files without one', async () => {
    const long = 'x'.repeat(1_500);
    const result = ids(await client.send(task(outgoing(long, { attachments: [serve('l.png', png(1_000, 9), 'image/png')] }))));
    const [text, photo] = posted();
    assert.equal(result.length, 2);
    assert.equal(text!.text, long);
    assert.equal(text!.media, null);
    assert.equal(photo!.text, '');
    assert.equal(photo!.media!.kind, 'photo');
  });

  it('links a file over the upload limit, and one its source refuses, with name and size; a failing source is retried', async () => {
    const big = serve('huge.bin', Buffer.alloc(10), 'application/octet-stream', 4 * 1024 * 1024);
    const lying = serve('lying.bin', Buffer.alloc(3 * 1024 * 1024 + 1), 'application/octet-stream', 1_000);
    const gone = serve('gone.png', png(1_000, 1), 'image/png', 1_000, 403);
    const ok = serve('ok.png', png(1_000, 2), 'image/png');
    served.length = 0;
    ids(await client.send(task(outgoing('files', { attachments: [big, lying, gone, ok] }))));
    assert.ok(!served.includes('huge.bin'), 'a file announced over the limit is not downloaded');
    const [photo] = posted();
    assert.equal(posted().length, 1);
    assert.equal(photo!.media!.kind, 'photo');
    assert.match(photo!.text, /^files\n📎 huge\.bin \(4\.0 MiB, over the 3\.0 MiB upload limit\)\n📎 lying\.bin \(3\.0 MiB, over the 3\.0 MiB upload limit\)\n📎 gone\.png \(1000 B\)$/);
    const failing = serve('flaky.png', png(1_000, 3), 'image/png', 1_000, 503);
    const result = await client.send(task(outgoing('flaky', { attachments: [failing] })));
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.kind, 'transient');
    assert.equal(posted().length, 1, 'nothing posted while the source fails');
  });

  it('posts a Telegram file again by its reference, downloading nothing', async () => {
    const stored = world.fake.storeMedia({ kind: 'document', data: Buffer.alloc(5 * 1024 * 1024, 7), mimeType: 'application/zip', fileName: 'big.zip' });
    const photo = world.fake.storeMedia({ kind: 'photo', data: png(2_000, 8) });
    const ref = (m: typeof stored, type: 'photo' | 'document') => ({ type, id: m.id, accessHash: m.accessHash, fileReference: m.fileReference.toString('base64') });
    served.length = 0;
    const result = ids(await client.send(task(outgoing('by reference', { attachments: [
      { kind: 'photo', url: '', fileName: 'p.jpg', sizeBytes: 2_000, contentType: 'image/jpeg', telegram: ref(photo, 'photo') },
      // Over this world's 3 MB upload limit, yet nothing is uploaded: the file is posted as it is stored.
      { kind: 'document', url: '', fileName: 'big.zip', sizeBytes: stored.data.length, contentType: 'application/zip', telegram: ref(stored, 'document') },
    ] }))));
    assert.equal(served.length, 0);
    const [first, second] = posted();
    assert.equal(result.length, 2);
    assert.equal(first!.media!.id, photo.id);
    assert.equal(first!.text, 'by reference');
    assert.equal(second!.media!.id, stored.id);
  });

  it('names a Telegram file in a line when its reference is refused', async () => {
    const photo = world.fake.storeMedia({ kind: 'photo', data: png(2_000, 8) });
    const stale = { type: 'photo' as const, id: photo.id, accessHash: photo.accessHash, fileReference: Buffer.from('stale').toString('base64') };
    const result = ids(await client.send(task(outgoing('caption', { attachments: [
      { kind: 'photo', url: '', fileName: 'p.jpg', sizeBytes: 2_000, contentType: 'image/jpeg', telegram: stale },
    ] }))));
    assert.equal(result.length, 1);
    assert.equal(posted()[0]!.media, null);
    assert.equal(posted()[0]!.text, 'caption\n📎 p.jpg (2.0 KiB)');
  });

  it('an edit changes the caption of the file it was sent with', async () => {
    const attachments = [serve('e.png', png(1_000, 5), 'image/png')];
    const sent = ids(await client.send(task(outgoing('before', { attachments }))));
    const result = ids(await client.send(task(outgoing('after', { attachments }), { op: 'edit', targetMessageIds: sent })));
    assert.deepEqual(result, sent);
    assert.equal(posted()[0]!.text, 'after');
    assert.equal(posted()[0]!.media!.kind, 'photo');
  });
});
