/**
 * One piece of a Telegram file, read for another platform (the supervisor's
 * file relay asks piece by piece, so no file is ever held whole here):
 * `upload.getFile` on the file's data centre. Telegram answers FILE_MIGRATE_X
 * when the file lives elsewhere (gramjs then borrows an authorized sender
 * there), and FILE_REFERENCE_EXPIRED once the reference has aged: the
 * message the file was seen in is read again for a fresh one, once, and the
 * relay carries it on to the next pieces.
 */
import bigInt from 'big-integer';
import { Api, errors } from 'telegram';
import type { FilePiece, FileRead } from '../../../src/runtime-contracts/actor-contract.ts';
import type { TelegramFileRef } from '../../../src/forwarding/message/neutral-message.ts';
import { attachmentOf } from './inbound-message.ts';
import { factsOf } from './telegram-errors.ts';
import { messageWithPeers } from './history-catch-up.ts';
import type { Invoke } from './dialog-scan.ts';

/** Answers that mean this account cannot read the file at all (any more). */
const GONE = new Set(['FILE_ID_INVALID', 'MEDIA_EMPTY', 'LOCATION_INVALID', 'CHANNEL_PRIVATE', 'CHAT_FORWARDS_RESTRICTED']);

export interface FileReadDeps {
  invoke: Invoke;
  /** `request` on data centre `dcId` (gramjs exports the authorization there). */
  invokeOn<R extends Api.AnyRequest>(dcId: number, request: R): Promise<R['__response']>;
  /** The InputPeer of a chat this account knows, for renewing a reference. */
  inputPeer(chatId: string): Api.TypeInputPeer | null;
}

function location(ref: TelegramFileRef): Api.TypeInputFileLocation {
  const fields = { id: bigInt(ref.id), accessHash: bigInt(ref.accessHash), fileReference: Buffer.from(ref.fileReference, 'base64') };
  return ref.type === 'photo'
    ? new Api.InputPhotoFileLocation({ ...fields, thumbSize: ref.thumbSize ?? 'x' })
    : new Api.InputDocumentFileLocation({ ...fields, thumbSize: '' });
}

function errorName(error: unknown): string {
  const name = factsOf(error).errorMessage;
  return typeof name === 'string' ? name : '';
}

/** The data centre a FILE_MIGRATE_X answer names: gramjs raises it as FileMigrateError, the DC in `newDc`. */
function migratedTo(error: unknown): number | null {
  if (error instanceof errors.FileMigrateError) return error.newDc;
  const raw = /^FILE_MIGRATE_(\d+)$/.exec(errorName(error));
  return raw === null ? null : Number(raw[1]);
}

async function getFile(d: FileReadDeps, ref: TelegramFileRef, offset: number, limit: number): Promise<Uint8Array> {
  const request = new Api.upload.GetFile({ location: location(ref), offset: bigInt(offset), limit });
  let answer: Api.upload.TypeFile;
  try {
    answer = await d.invoke(request);
  } catch (error) {
    const dcId = migratedTo(error);
    if (dcId === null) throw error;
    answer = await d.invokeOn(dcId, request);
  }
  // upload.fileCdnRedirect is answered only to clients that asked for CDN files (cdn_supported), which this one never does.
  if (!(answer instanceof Api.upload.File)) throw new Error(`upload.getFile answered ${answer.className}`);
  return new Uint8Array(answer.bytes);
}

/** The reference the file has now, read from the message it was seen in; null when that message no longer carries it. */
async function renewed(d: FileReadDeps, read: FileRead): Promise<TelegramFileRef | null> {
  const peer = d.inputPeer(read.chatId);
  const id = Number(read.ref.messageId);
  if (peer === null || !Number.isSafeInteger(id) || id <= 0) return null;
  const page = await messageWithPeers(d.invoke, peer, id);
  const message = page.messages.find((m): m is Api.Message => m instanceof Api.Message && m.id === id);
  const fresh = message === undefined ? null : attachmentOf(message.media, read.ref.messageId)?.telegram;
  return fresh === undefined || fresh === null || fresh.id !== read.ref.id ? null : fresh;
}

/** The piece at `read.offset`; `gone` when the account cannot read the file. Network and wait failures reject. */
export async function readFilePiece(d: FileReadDeps, read: FileRead): Promise<FilePiece> {
  try {
    return { bytes: await getFile(d, read.ref, read.offset, read.limit) };
  } catch (error) {
    const name = errorName(error);
    if (GONE.has(name)) return { gone: name };
    if (name !== 'FILE_REFERENCE_EXPIRED' && name !== 'FILE_REFERENCE_INVALID') throw error;
  }
  const ref = await renewed(d, read);
  if (ref === null) return { gone: 'FILE_REFERENCE_EXPIRED' };
  try {
    return { bytes: await getFile(d, ref, read.offset, read.limit), ref };
  } catch (error) {
    const name = errorName(error);
    if (GONE.has(name) || name.startsWith('FILE_REFERENCE_')) return { gone: name };
    throw error;
  }
}
