/**
 * Reading one piece of a Telegram file for the relay, against a scripted
 * Telegram: where the file lives (FILE_MIGRATE_X as gramjs raises it), a
 * reference that aged (renewed once from the message it was seen in), and
 * the answers that mean the account cannot read it at all.
 */
import assert from 'node:assert/strict';
import bigInt from 'big-integer';
import { Api, errors } from 'telegram';
import { readFilePiece, type FileReadDeps } from '../../../../actors/platform/telegram/file-read.ts';
import type { FileRead } from '../../../../src/runtime-contracts/actor-contract.ts';

const OLD = Buffer.from([1, 1, 1]);
const NEW = Buffer.from([2, 2, 2]);
const read: FileRead = {
  chatId: '-1009',
  offset: 524_288,
  limit: 524_288,
  ref: { type: 'document', id: '9', accessHash: '10', fileReference: OLD.toString('base64'), dcId: 2, messageId: '44' },
};
const peer = new Api.InputPeerChannel({ channelId: bigInt(9), accessHash: bigInt(1) });

function message(fileReference: Buffer, id = 44): Api.Message {
  const document = new Api.Document({
    id: bigInt(9), accessHash: bigInt(10), fileReference, date: 1, dcId: 2, mimeType: 'video/mp4', size: bigInt(2_000_000),
    attributes: [new Api.DocumentAttributeFilename({ fileName: 'film.mp4' })],
  });
  return new Api.Message({ id, peerId: new Api.PeerChannel({ channelId: bigInt(9) }), date: 1, message: '', media: new Api.MessageMediaDocument({ document }) });
}

function rpc(name: string, request: Api.AnyRequest): Error {
  return new errors.RPCError(name, request, 400);
}

interface Script {
  /** What upload.getFile answers for a reference (default: the bytes). */
  getFile?: (ref: Buffer, dcId: number | null, request: Api.upload.GetFile) => Api.upload.TypeFile | Error;
  history?: Api.TypeMessage[];
  peerKnown?: boolean;
}

function telegram(script: Script): { deps: FileReadDeps; calls: string[] } {
  const calls: string[] = [];
  const answer = (request: Api.AnyRequest, dcId: number | null): unknown => {
    if (request instanceof Api.upload.GetFile) {
      const location = request.location as Api.InputDocumentFileLocation;
      calls.push(`getFile dc=${dcId ?? 'home'} ref=${location.fileReference[0]} offset=${request.offset.toString()}`);
      const out = script.getFile?.(location.fileReference, dcId, request)
        ?? new Api.upload.File({ type: new Api.storage.FileMp4(), mtime: 0, bytes: Buffer.from('piece') });
      if (out instanceof Error) throw out;
      return out;
    }
    if (request instanceof Api.messages.GetHistory) {
      calls.push(`getHistory offsetId=${request.offsetId}`);
      return new Api.messages.Messages({ messages: script.history ?? [], chats: [], users: [] });
    }
    throw new Error(`unexpected ${request.className}`);
  };
  const deps: FileReadDeps = {
    invoke: async (request) => answer(request, null) as never,
    invokeOn: async (dcId, request) => answer(request, dcId) as never,
    inputPeer: (chatId) => (script.peerKnown === false || chatId !== read.chatId ? null : peer),
  };
  return { deps, calls };
}

describe('Telegram file piece', () => {
  it('reads the piece at the offset asked, on the home data centre', async () => {
    const { deps, calls } = telegram({});
    assert.deepEqual(await readFilePiece(deps, read), { bytes: new Uint8Array(Buffer.from('piece')) });
    assert.deepEqual(calls, ['getFile dc=home ref=1 offset=524288']);
  });

  it('follows FILE_MIGRATE_X to the data centre that stores the file', async () => {
    const { deps, calls } = telegram({
      getFile: (_ref, dcId, request) => (dcId === null ? new errors.FileMigrateError({ capture: 4, request }) : new Api.upload.File({
        type: new Api.storage.FileMp4(), mtime: 0, bytes: Buffer.from('dc4'),
      })),
    });
    assert.deepEqual(await readFilePiece(deps, read), { bytes: new Uint8Array(Buffer.from('dc4')) });
    assert.deepEqual(calls, ['getFile dc=home ref=1 offset=524288', 'getFile dc=4 ref=1 offset=524288']);
  });

  for (const expired of ['FILE_REFERENCE_EXPIRED', 'FILE_REFERENCE_INVALID']) {
    it(`${expired}: renews the reference from the message, once, and hands it on`, async () => {
      const { deps, calls } = telegram({
        getFile: (ref, _dc, request) => (ref[0] === 1 ? rpc(expired, request) : undefined as never),
        history: [message(NEW)],
      });
      const piece = await readFilePiece(deps, read);
      assert.ok('bytes' in piece);
      assert.equal(piece.ref?.fileReference, NEW.toString('base64'));
      assert.equal(piece.ref?.id, '9');
      assert.deepEqual(calls, ['getFile dc=home ref=1 offset=524288', 'getHistory offsetId=45', 'getFile dc=home ref=2 offset=524288']);
    });
  }

  const gone: Array<[string, Script, string]> = [
    ['the message no longer exists', { getFile: (_r, _d, q) => rpc('FILE_REFERENCE_EXPIRED', q), history: [] }, 'FILE_REFERENCE_EXPIRED'],
    ['the message now carries another file', {
      getFile: (_r, _d, q) => rpc('FILE_REFERENCE_EXPIRED', q),
      history: [new Api.Message({ id: 44, peerId: new Api.PeerChannel({ channelId: bigInt(9) }), date: 1, message: 'edited, no media' })],
    }, 'FILE_REFERENCE_EXPIRED'],
    ['the chat is unknown to the account', { getFile: (_r, _d, q) => rpc('FILE_REFERENCE_EXPIRED', q), peerKnown: false }, 'FILE_REFERENCE_EXPIRED'],
    ['the renewed reference is refused too', { getFile: (_r, _d, q) => rpc('FILE_REFERENCE_EXPIRED', q), history: [message(NEW)] }, 'FILE_REFERENCE_EXPIRED'],
    ['FILE_ID_INVALID', { getFile: (_r, _d, q) => rpc('FILE_ID_INVALID', q) }, 'FILE_ID_INVALID'],
    ['CHANNEL_PRIVATE (the account left)', { getFile: (_r, _d, q) => rpc('CHANNEL_PRIVATE', q) }, 'CHANNEL_PRIVATE'],
  ];
  for (const [name, script, reason] of gone) {
    it(`gone when ${name}`, async () => {
      assert.deepEqual(await readFilePiece(telegram(script).deps, read), { gone: reason });
    });
  }

  it('rejects on anything else (a wait, the network), so the relay answers "later"', async () => {
    const { deps } = telegram({ getFile: (_r, _d, request) => new errors.FloodWaitError({ request, capture: 30 }) });
    await assert.rejects(readFilePiece(deps, read), errors.FloodWaitError);
  });

  it('reads photos by their size letter', async () => {
    let thumb = '';
    const { deps } = telegram({
      getFile: (_r, _d, request) => {
        thumb = (request.location as Api.InputPhotoFileLocation).thumbSize;
        return new Api.upload.File({ type: new Api.storage.FileJpeg(), mtime: 0, bytes: Buffer.from('jpg') });
      },
    });
    await readFilePiece(deps, { ...read, ref: { ...read.ref, type: 'photo', thumbSize: 'y' } });
    assert.equal(thumb, 'y');
  });
});
