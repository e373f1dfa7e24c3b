import { html } from './vendor/preact-standalone.mjs';

/** A message the user must see: role=alert for trouble, role=status for news. */
export function Alert({ kind = 'bad', children }) {
  if (children === null || children === undefined || children === false) return null;
  return html`<p class=${`alert ${kind}`} role=${kind === 'bad' ? 'alert' : 'status'}>${children}</p>`;
}
