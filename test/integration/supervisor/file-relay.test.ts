/**
 * The file relay over a real HTTP socket, reading from a scripted source:
 * what a downloader sees for good, bad, expired and unreadable links, and
 * that a file comes through piece by piece with a renewed reference carried
 * on. The path through real actors and gramjs is in
 * test/integration/forwarding/telegram-forwarding.test.ts.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import pino from 'pino';
import type { FilePiece, FileRead } from '../../../src/runtime-contracts/actor-contract.ts';
import type { Attachment } from '../../../src/forwarding/message/neutral-message.ts';
import { FileSourceUnavailableError } from '../../../src/errors/registry.ts';
import { FileRelay, PIECE_BYTES } from '../../../supervisor/file-relay.ts';

const logger = pino({ level: 'silent' });

function attachment(sizeBytes: number): Attachment {
  return {
    kind: 'document', url: '', fileName: 'f.bin', sizeBytes, contentType: 'application/octet-stream',
    telegram: { type: 'document', id: '1', accessHash: '2', fileReference: 'AA==', messageId: '5' },
  };
}

/** A file of `size` bytes whose byte i is i mod 251, served by `read`. */
function fileOf(size: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => i % 251));
}

describe('file relay', function () {
  this.timeout(10_000);
  let relay: FileRelay | null = null;
  afterEach(async () => {
    await relay?.close();
    relay = null;
  });

  async function over(read: (accountId: string, r: FileRead) => Promise<FilePiece>, linkTtlMs?: number): Promise<FileRelay> {
    relay = await FileRelay.over(read, logger, linkTtlMs === undefined ? {} : { linkTtlMs });
    return relay;
  }

  it('streams a file of several pieces, asking for each at its offset, with the renewed reference carried on', async () => {
    const file = fileOf(2 * PIECE_BYTES + 1000);
    const asked: string[] = [];
    const r = await over(async (accountId, read) => {
      asked.push(`${accountId} ${read.chatId} ${read.offset} ${read.ref.fileReference}`);
      const bytes = new Uint8Array(file.subarray(read.offset, read.offset + read.limit));
      return read.offset === PIECE_BYTES ? { bytes, ref: { ...read.ref, fileReference: 'Ag==' } } : { bytes };
    });
    const url = r.linkFor('acc', '-100', attachment(file.length))!;
    assert.ok(url.startsWith(`${r.url}/files/`));
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(file));
    assert.deepEqual(asked, [`acc -100 0 AA==`, `acc -100 ${PIECE_BYTES} AA==`, `acc -100 ${2 * PIECE_BYTES} Ag==`]);
  });

  it('a file of exactly whole pieces ends on the empty piece after them', async () => {
    const file = fileOf(PIECE_BYTES);
    const r = await over(async (_a, read) => ({ bytes: new Uint8Array(file.subarray(read.offset, read.offset + read.limit)) }));
    const res = await fetch(r.linkFor('acc', '-100', attachment(file.length))!);
    assert.equal(Buffer.from(await res.arrayBuffer()).length, PIECE_BYTES);
  });

  it('gives no link for a file that is not Telegram\'s', async () => {
    const r = await over(async () => ({ gone: 'x' }));
    assert.equal(r.linkFor('acc', '-100', { ...attachment(1), telegram: undefined }), null);
  });

  async function errorOf(res: Response): Promise<string> {
    const body = await res.json() as { error: { code: string; message: string } };
    assert.equal(typeof body.error.message, 'string');
    return body.error.code;
  }

  it('a link it did not make: 404 file_link_invalid, the source never asked', async () => {
    let asked = 0;
    const r = await over(async () => {
      asked += 1;
      return { bytes: new Uint8Array(0) };
    });
    const good = r.linkFor('acc', '-100', attachment(10))!;
    for (const bad of [`${good.slice(0, -3)}abc`, `${r.url}/files/nonsense`]) {
      const res = await fetch(bad);
      assert.equal(res.status, 404);
      assert.equal(await errorOf(res), 'file_link_invalid');
    }
    const other = await FileRelay.over(async () => ({ bytes: new Uint8Array(0) }), logger);
    try {
      const res = await fetch(`${r.url}${new URL(other.linkFor('acc', '-100', attachment(10))!).pathname}`);
      assert.equal(await errorOf(res), 'file_link_invalid', 'another relay\'s key');
    } finally {
      await other.close();
    }
    assert.equal(asked, 0);
  });

  it('a link past its lifetime: 410 file_link_expired', async () => {
    const r = await over(async () => ({ bytes: new Uint8Array(0) }), 1000);
    const res = await fetch(r.linkFor('acc', '-100', attachment(10), Date.now() - 5000)!);
    assert.equal(res.status, 410);
    assert.equal(await errorOf(res), 'file_link_expired');
  });

  it('a source that cannot read the file any more: 404 file_source_gone', async () => {
    const r = await over(async () => ({ gone: 'CHANNEL_PRIVATE' }));
    const res = await fetch(r.linkFor('acc', '-100', attachment(10))!);
    assert.equal(res.status, 404);
    const body = await res.json() as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'file_source_gone');
    assert.match(body.error.message, /CHANNEL_PRIVATE/);
  });

  it('a source not connected right now: 503 file_source_unavailable with Retry-After; any other failure too', async () => {
    const r = await over(async (accountId) => {
      if (accountId === 'paused') throw new FileSourceUnavailableError({ reason: 'account paused is paused' });
      throw new Error('worker went away');
    });
    for (const account of ['paused', 'broken']) {
      const res = await fetch(r.linkFor(account, '-100', attachment(10))!);
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '5');
      assert.equal(await errorOf(res), 'file_source_unavailable');
    }
  });

  it('a failure after the first bytes cuts the connection rather than ending a short file', async () => {
    const r = await over(async (_a, read) => {
      if (read.offset > 0) throw new Error('lost the worker');
      return { bytes: new Uint8Array(PIECE_BYTES) };
    });
    const res = await fetch(r.linkFor('acc', '-100', attachment(2 * PIECE_BYTES))!);
    assert.equal(res.status, 200);
    await assert.rejects(res.arrayBuffer());
  });

  it('serves only GET /files/<link>', async () => {
    const r = await over(async () => ({ bytes: new Uint8Array(0) }));
    const link = new URL(r.linkFor('acc', '-100', attachment(10))!);
    const post = await new Promise<number>((resolve, reject) => {
      const req = request(link, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('x');
    });
    assert.equal(post, 404);
    for (const path of ['/', '/files/', '/files/a/b', '/other']) {
      const res = await fetch(`${r.url}${path}`);
      assert.equal(res.status, 404, path);
      assert.equal(await errorOf(res), 'route_not_found');
    }
  });
});
