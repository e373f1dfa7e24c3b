/**
 * One file streamed from its source into Telegram, part by part
 * (upload.saveFilePart, or upload.saveBigFilePart past 10 MB): at most one
 * 512 KB part is held at a time, never the whole file. Opening follows
 * attachment-source.ts (over the limit or refused: linked; failing: the
 * send is retried). A file found larger than the limit while streaming is
 * linked too (the parts sent so far are left for Telegram to expire), and
 * so is one that turns out empty (Telegram takes no empty part) or larger
 * than its announced size would allow for the kind of upload chosen (a
 * small upload cannot grow past 10 MB; a big one names its part count on
 * every part).
 */
import { createHash, randomBytes } from 'node:crypto';
import bigInt from 'big-integer';
import { Api } from 'telegram';
import type { Attachment } from '../../../src/forwarding/message/neutral-message.ts';
import { AttachmentUnavailableError, openAttachment, readFailure } from '../attachment-source.ts';
import type { Invoke } from './dialog-scan.ts';

/** Telegram's largest part, and a size every file may use (a multiple of 1 KB dividing 512 KB). */
export const PART_BYTES = 512 * 1024;
/** Past this, Telegram wants upload.saveBigFilePart. */
export const SMALL_FILE_MAX_BYTES = 10 * 1024 * 1024;

export interface UploadOptions {
  limitBytes: number;
  timeoutMs: number;
  /** Adds to (or, negative, takes from) the client's in-flight bytes. */
  track(bytes: number): void;
}

export type UploadOutcome = { file: Api.TypeInputFile; sizeBytes: number } | { linked: Attachment };

/** Sends one part; the part's buffer is not reused afterwards (gramjs may serialize it later). */
async function savePart(invoke: Invoke, fileId: bigInt.BigInteger, index: number, bytes: Buffer, totalParts: number | null): Promise<void> {
  const ok = totalParts === null
    ? await invoke(new Api.upload.SaveFilePart({ fileId, filePart: index, bytes }))
    : await invoke(new Api.upload.SaveBigFilePart({ fileId, filePart: index, fileTotalParts: totalParts, bytes }));
  if (ok !== true) throw new AttachmentUnavailableError('Telegram did not take a file part');
}

export async function uploadAttachment(invoke: Invoke, a: Attachment, o: UploadOptions): Promise<UploadOutcome> {
  const opened = await openAttachment(a, o.limitBytes, o.timeoutMs);
  if ('linked' in opened) return opened;
  const { body } = opened;
  const expected = opened.announced ?? a.sizeBytes;
  const big = expected > SMALL_FILE_MAX_BYTES;
  const totalParts = big ? Math.ceil(expected / PART_BYTES) : null;
  const fileId = bigInt(randomBytes(8).readBigInt64LE(0).toString());
  const md5 = createHash('md5');
  let part = Buffer.allocUnsafe(PART_BYTES);
  let fill = 0;
  let index = 0;
  let size = 0;
  const give = (sizeBytes: number): UploadOutcome => ({ linked: { ...a, sizeBytes } });
  o.track(PART_BYTES);
  try {
    try {
      for await (const chunk of body) {
        size += chunk.length;
        const tooLarge = size > o.limitBytes || (!big && size > SMALL_FILE_MAX_BYTES) || (totalParts !== null && size > totalParts * PART_BYTES);
        if (tooLarge) {
          await body.cancel().catch(() => {});
          return give(Math.max(a.sizeBytes, size));
        }
        let at = 0;
        while (at < chunk.length) {
          const n = Math.min(PART_BYTES - fill, chunk.length - at);
          part.set(chunk.subarray(at, at + n), fill);
          fill += n;
          at += n;
          if (fill === PART_BYTES) {
            if (!big) md5.update(part);
            await savePart(invoke, fileId, index, part, totalParts);
            index += 1;
            part = Buffer.allocUnsafe(PART_BYTES);
            fill = 0;
          }
        }
      }
    } catch (error) {
      if (error instanceof AttachmentUnavailableError || (error as { errorMessage?: unknown }).errorMessage !== undefined) throw error;
      throw readFailure(a, error);
    }
    if (fill > 0) {
      const last = part.subarray(0, fill);
      if (!big) md5.update(last);
      await savePart(invoke, fileId, index, last, totalParts);
      index += 1;
    }
    if (size === 0) return give(0);
    // A big upload announced its part count on every part: a file that came out shorter cannot be finished.
    if (totalParts !== null && index !== totalParts) throw new AttachmentUnavailableError(`${a.fileName} was ${size} bytes, not the ${expected} announced`);
    const name = a.fileName || 'file';
    const file = big
      ? new Api.InputFileBig({ id: fileId, parts: index, name })
      : new Api.InputFile({ id: fileId, parts: index, name, md5Checksum: md5.digest('hex') });
    return { file, sizeBytes: size };
  } finally {
    o.track(-PART_BYTES);
  }
}
