/**
 * Plain-text tables: columns padded to their widest cell, two spaces apart,
 * no trailing spaces, so `grep`, `awk` and `column` work on the output.
 */

/** Renders `rows` under `headers`; a row shorter than the headers is padded with empty cells. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
