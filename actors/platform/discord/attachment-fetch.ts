/**
 * Downloads the files of an outgoing message for upload, keeping each under
 * the destination's upload limit: a file announced or found larger (while
 * streaming, so it is never held whole) is not uploaded but linked, and so
 * is one its source refuses to serve (4xx) — a file is never silently
 * dropped. A source failing for a while (5xx, network) fails the send as
 * transient, to be retried.
 */
import type { RawFile } from 'discord.js';
import type { Attachment } from '../../../src/forwarding/message/neutral-message.ts';

export interface FetchedFiles {
  /** Files to upload, in the message's order. */
  files: RawFile[];
  /** Attachments to send as link lines instead. */
  linked: Attachment[];
  /** Bytes held by `files`. */
  bytes: number;
}

/** A source that could not serve a file right now. */
export class AttachmentUnavailableError extends Error {}

type Fetched = { file: RawFile } | { linked: Attachment };

async function fetchOne(a: Attachment, limitBytes: number, timeoutMs: number): Promise<Fetched> {
  if (a.sizeBytes > limitBytes) return { linked: a };
  let response: Response;
  try {
    response = await fetch(a.url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new AttachmentUnavailableError(`downloading ${a.fileName} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status >= 400 && response.status < 500) {
    await response.body?.cancel();
    return { linked: a };
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new AttachmentUnavailableError(`downloading ${a.fileName} failed with HTTP ${response.status}`);
  }
  const announced = Number(response.headers.get('content-length') ?? Number.NaN);
  if (announced > limitBytes) {
    await response.body.cancel();
    return { linked: { ...a, sizeBytes: announced } };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > limitBytes) {
        await response.body.cancel().catch(() => {});
        return { linked: { ...a, sizeBytes: Math.max(a.sizeBytes, size) } };
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw new AttachmentUnavailableError(`downloading ${a.fileName} failed: ${error instanceof Error ? error.message : String(error)}`);
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
