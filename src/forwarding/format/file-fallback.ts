/**
 * A file the destination will not take (over its upload limit) is never
 * dropped silently: it becomes a line of text naming it, with its size and a
 * link to where it can be downloaded.
 */
import type { Attachment, RichText } from '../message/neutral-message.ts';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `512 B`, `1.5 KiB`, `12.4 MiB`, `2.0 GiB`: binary units, one decimal from KiB up. */
export function humanFileSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return 'unknown size';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/**
 * `null` when `attachment` fits `limitBytes`; otherwise one line,
 * `📎 name (12.4 MiB, over the 10.0 MiB upload limit)`, the name linked to
 * the attachment's url when that is http(s). A size that is not a finite
 * number counts as too large: better a link than a failed upload.
 */
export function oversizeFileLine(attachment: Attachment, limitBytes: number): RichText | null {
  const size = attachment.sizeBytes;
  if (Number.isFinite(size) && size <= limitBytes) return null;
  const name = attachment.fileName.trim() || attachment.kind;
  const prefix = '📎 ';
  const text = `${prefix}${name} (${humanFileSize(size)}, over the ${humanFileSize(limitBytes)} upload limit)`;
  const linkable = /^https?:\/\//i.test(attachment.url);
  return {
    text,
    entities: linkable ? [{ type: 'link', offset: prefix.length, length: name.length, url: attachment.url }] : [],
  };
}
