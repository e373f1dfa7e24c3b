/**
 * Opening an attachment's download for a destination that uploads it, the
 * same way for every platform: a file announced larger than the limit (by
 * the source's size or its Content-Length) is not downloaded but linked,
 * and so is one its source refuses to serve (4xx) or that has no http(s)
 * URL (a Telegram file with no relay link) — a file is never silently dropped.
 * A relay link (`relayUrl`) is read in place of `url`, which stays what
 * link lines show. A source failing for a while (5xx, network) throws
 * AttachmentUnavailableError, which fails the send as transient, to be
 * retried. The body is handed back unread: the caller streams it and stops
 * at the limit, so no file is ever held whole unless the caller chooses to.
 */
import type { Attachment } from '../../src/forwarding/message/neutral-message.ts';

/** A source that could not serve a file right now. */
export class AttachmentUnavailableError extends Error {}

export type OpenedAttachment =
  | { linked: Attachment }
  | { body: ReadableStream<Uint8Array>; /** Content-Length, when the source sent one. */ announced: number | null };

export async function openAttachment(a: Attachment, limitBytes: number, timeoutMs: number): Promise<OpenedAttachment> {
  // A file with no place to fetch it from (a Telegram file) can only be named.
  const source = a.relayUrl ?? a.url;
  if (a.sizeBytes > limitBytes || !/^https?:\/\//i.test(source)) return { linked: a };
  let response: Response;
  try {
    response = await fetch(source, { signal: AbortSignal.timeout(timeoutMs) });
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
  const header = response.headers.get('content-length');
  const announced = header === null || !/^[0-9]+$/.test(header) ? null : Number(header);
  if (announced !== null && announced > limitBytes) {
    await response.body.cancel();
    return { linked: { ...a, sizeBytes: announced } };
  }
  return { body: response.body, announced };
}

/** The error a failure while reading a body becomes. */
export function readFailure(a: Attachment, error: unknown): AttachmentUnavailableError {
  return new AttachmentUnavailableError(`downloading ${a.fileName} failed: ${error instanceof Error ? error.message : String(error)}`);
}
