/**
 * Files as Telegram keeps them: the parts a client uploads
 * (upload.saveFilePart, upload.saveBigFilePart), assembled per user and
 * file_id when a send names them, and the photos and documents made of
 * them, found again by id, access_hash and file_reference.
 *
 * Telegram's documented rules (core.telegram.org/api/files): every part but
 * the last has one size, a multiple of 1 KB that divides 512 KB; the last
 * may be smaller. Files over 10 MB must go through saveBigFilePart, which
 * names the total number of parts on every call; at most 4 000 parts
 * (2 GB at 512 KB; Premium's 4 GB is not modelled). A part of the wrong size
 * is FILE_PART_SIZE_INVALID, an empty one FILE_PART_EMPTY, a part number out
 * of range FILE_PART_INVALID, a total that is out of range or changes
 * FILE_PARTS_INVALID; a send naming an upload with a part missing answers
 * FILE_PART_<n>_MISSING, one whose part count or kind (small / big) does not
 * match FILE_PARTS_INVALID, a wrong md5_checksum MD5_CHECKSUM_INVALID.
 *
 * Modelling choices: parts are kept in memory until a send uses them (then
 * dropped: a retried send uploads again); photos are not decoded, only
 * recognised by their first bytes (JPEG, PNG, WebP, else
 * IMAGE_PROCESS_FAILED), kept as uploaded and reported as one 800×800 size;
 * a photo over 10 MB answers PHOTO_SAVE_FILE_INVALID.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FakeMedia } from './model.ts';
import { fail } from './rpc-fail.ts';
import { Api } from './tl-io.ts';

export const PART_MAX_BYTES = 512 * 1024;
export const SMALL_FILE_MAX_BYTES = 10 * 1024 * 1024;
export const PARTS_MAX = 4_000;
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

interface Upload {
  readonly big: boolean;
  readonly totalParts: number | null;
  readonly parts: Map<number, Buffer>;
  bytes: number;
}

function validPartSize(n: number): boolean {
  return n > 0 && n % 1024 === 0 && PART_MAX_BYTES % n === 0;
}

function randomLong(): string {
  return randomBytes(8).readBigInt64LE(0).toString();
}

function isImage(data: Buffer): boolean {
  const jpeg = data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff;
  const png = data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const webp = data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP';
  return jpeg || png || webp;
}

export class MediaStore {
  readonly #uploads = new Map<string, Upload>();
  readonly #media = new Map<string, FakeMedia>();

  /** One part of upload `fileId`; `totalParts` for saveBigFilePart, null for saveFilePart. */
  savePart(userId: string, fileId: string, part: number, bytes: Buffer, totalParts: number | null): void {
    if (bytes.length === 0) fail(400, 'FILE_PART_EMPTY');
    if (bytes.length > PART_MAX_BYTES) fail(400, 'FILE_PART_SIZE_INVALID');
    if (totalParts !== null && (totalParts < 1 || totalParts > PARTS_MAX)) fail(400, 'FILE_PARTS_INVALID');
    const limit = totalParts ?? Math.ceil(SMALL_FILE_MAX_BYTES / 1024);
    if (part < 0 || part >= limit) fail(400, 'FILE_PART_INVALID');
    const key = `${userId}:${fileId}`;
    let upload = this.#uploads.get(key);
    if (upload === undefined) {
      upload = { big: totalParts !== null, totalParts, parts: new Map(), bytes: 0 };
      this.#uploads.set(key, upload);
    }
    if (upload.big !== (totalParts !== null) || upload.totalParts !== totalParts) fail(400, 'FILE_PARTS_INVALID');
    // A big file's parts other than the last are known to be such, so their size is checked at once.
    if (totalParts !== null && part < totalParts - 1 && !validPartSize(bytes.length)) fail(400, 'FILE_PART_SIZE_INVALID');
    upload.bytes += bytes.length - (upload.parts.get(part)?.length ?? 0);
    if (!upload.big && upload.bytes > SMALL_FILE_MAX_BYTES) fail(400, 'FILE_PARTS_INVALID');
    upload.parts.set(part, bytes);
  }

  /** The bytes of an uploaded file a send names, checked against Telegram's rules; the parts are dropped. */
  take(userId: string, file: Api.TypeInputFile): Buffer {
    if (!(file instanceof Api.InputFile) && !(file instanceof Api.InputFileBig)) fail(400, 'FILE_PARTS_INVALID');
    const key = `${userId}:${file.id.toString()}`;
    const upload = this.#uploads.get(key);
    const big = file instanceof Api.InputFileBig;
    if (file.parts < 1 || file.parts > PARTS_MAX) fail(400, 'FILE_PARTS_INVALID');
    if (upload === undefined) fail(400, 'FILE_PART_0_MISSING');
    if (upload.big !== big || (big && upload.totalParts !== file.parts)) fail(400, 'FILE_PARTS_INVALID');
    const chunks: Buffer[] = [];
    for (let i = 0; i < file.parts; i += 1) {
      const part = upload.parts.get(i);
      if (part === undefined) fail(400, `FILE_PART_${i}_MISSING`);
      chunks.push(part);
    }
    if (upload.parts.size !== file.parts) fail(400, 'FILE_PARTS_INVALID');
    const size = chunks[0]!.length;
    if (chunks.slice(0, -1).some((c) => c.length !== size) || (chunks.length > 1 && !validPartSize(size)) || chunks.at(-1)!.length > size) {
      fail(400, 'FILE_PART_SIZE_INVALID');
    }
    const data = Buffer.concat(chunks);
    if (file instanceof Api.InputFile && file.md5Checksum !== '' && createHash('md5').update(data).digest('hex') !== file.md5Checksum.toLowerCase()) {
      fail(400, 'MD5_CHECKSUM_INVALID');
    }
    this.#uploads.delete(key);
    return data;
  }

  /** A new photo of uploaded bytes. */
  photo(data: Buffer): FakeMedia {
    if (!isImage(data)) fail(400, 'IMAGE_PROCESS_FAILED');
    if (data.length > PHOTO_MAX_BYTES) fail(400, 'PHOTO_SAVE_FILE_INVALID');
    return this.#keep({ kind: 'photo', mimeType: 'image/jpeg', attributes: [], data });
  }

  /** A new document of uploaded bytes. */
  document(data: Buffer, mimeType: string, attributes: readonly Api.TypeDocumentAttribute[]): FakeMedia {
    return this.#keep({ kind: 'document', mimeType: mimeType || 'application/octet-stream', attributes, data });
  }

  /** A stored file named by reference; MEDIA_EMPTY when unknown, FILE_REFERENCE_EXPIRED when the reference does not match. */
  find(kind: FakeMedia['kind'], id: string, accessHash: string, fileReference: Buffer): FakeMedia {
    const media = this.#media.get(id);
    if (media === undefined || media.kind !== kind || media.accessHash !== accessHash) fail(400, 'MEDIA_EMPTY');
    if (!media.fileReference.equals(fileReference)) fail(400, 'FILE_REFERENCE_EXPIRED');
    return media;
  }

  /**
   * Gives a stored file a new reference, as Telegram does after a few hours:
   * the old one answers FILE_REFERENCE_EXPIRED; messages show the new one.
   */
  renewReference(id: string): void {
    const media = this.#media.get(id);
    if (media === undefined) throw new Error(`no stored file ${id}`);
    media.fileReference = randomBytes(16);
  }

  #keep(input: Pick<FakeMedia, 'kind' | 'mimeType' | 'attributes' | 'data'>): FakeMedia {
    const media: FakeMedia = { ...input, id: randomLong(), accessHash: randomLong(), fileReference: randomBytes(16), date: Math.floor(Date.now() / 1000) };
    this.#media.set(media.id, media);
    return media;
  }
}
