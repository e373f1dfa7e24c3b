/**
 * Connection URLs carry passwords (the embedded PostgreSQL's always does);
 * this is how they appear in logs and messages.
 */

/** `url` with its password replaced by `***`; null stays null, and text that is not a URL is hidden whole. */
export function redactUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable URL]';
  }
}
