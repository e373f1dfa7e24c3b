/**
 * Downloads the files of an outgoing message for upload, keeping each under
 * the destination's upload limit: a file announced (attachment-source.ts)
 * or found larger while streaming (so it is never held whole) is not
 * uploaded but linked, and so is one its source refuses to serve (4xx). A
 * source failing for a while (5xx, network) fails the send as transient.
 * discord.js wants each file whole, so a file that fits is buffered.
 */
import type { RawFile } from 'discord.js';
import type { Attachment } from '../../../src/forwarding/message/neutral-message.ts';
import { openAttachment, readFailure } from '../attachment-source.ts';

export { AttachmentUnavailableError } from '../attachment-source.ts';

export interface FetchedFiles {
  /** Files to upload, in the message's order. */
  files: RawFile[];
  /** Attachments to send as link lines instead. */
  linked: Attachment[];
  /** Bytes held by `files`. */
  bytes: number;
}

type Fetched = { file: RawFile } | { linked: Attachment };

async function fetchOne(a: Attachment, limitBytes: number, timeoutMs: number): Promise<Fetched> {
  const opened = await openAttachment(a, limitBytes, timeoutMs);
  if ('linked' in opened) return opened;
  const body = opened.body;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > limitBytes) {
        await body.cancel().catch(() => {});
        return { linked: { ...a, sizeBytes: Math.max(a.sizeBytes, size) } };
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw readFailure(a, error);
  }
  const file: RawFile = { name: a.fileName || 'file', data: Buffer.concat(chunks) };
  if (a.contentType !== undefined) file.contentType = a.contentType;
  return { file };
}

/** Fetches every attachment (in parallel), keeping their order. */
export async function fetchAttachments(list: readonly Attachment[], limitBytes: number, timeoutMs: number): Promise<FetchedFiles> {
  const results = await Promise.all(list.map((a) => fetchOne(a, limitBytes, timeoutMs)));
  const out: FetchedFiles = { files: [], linked: [], bytes: 0 };
  for (const r of results) {
    if ('file' in r) {
      out.files.push(r.file);
      out.bytes += (r.file.data as Buffer).length;
    } else {
      out.linked.push(r.linked);
    }
  }
  return out;
}
