/**
 * How the CLI writes sizes, durations and fractions: short, fixed units, so
 * columns stay narrow and a glance compares rows.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `512 B`, `1.5 KiB`, `412 MiB`, `16.0 GiB`: one decimal below 10 of a unit, none above. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value).toString()} ${BYTE_UNITS[unit]}`;
}

/** `350ms`, `4.2s`, `42s`, `5m`, `3h`, `2d`: the largest whole unit, so widths stay small. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const abs = Math.max(0, ms);
  if (abs < 1_000) return `${Math.round(abs)}ms`;
  if (abs < 10_000) return `${(abs / 1_000).toFixed(1)}s`;
  if (abs < 60_000) return `${Math.floor(abs / 1_000)}s`;
  if (abs < 3_600_000) return `${Math.floor(abs / 60_000)}m`;
  if (abs < 172_800_000) return `${Math.floor(abs / 3_600_000)}h`;
  return `${Math.floor(abs / 86_400_000)}d`;
}

/** `3.2s ago`; `never` for a zero timestamp; `just now` within a second (or ahead of our clock). */
export function formatAgo(timestampMs: number, nowMs: number): string {
  if (timestampMs <= 0) return 'never';
  const elapsed = nowMs - timestampMs;
  return elapsed < 1_000 ? 'just now' : `${formatDuration(elapsed)} ago`;
}

/** `0.713` -> `71%`. */
export function formatPercent(fraction: number): string {
  return Number.isFinite(fraction) ? `${Math.round(fraction * 100)}%` : '?';
}
