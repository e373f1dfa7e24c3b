// Wait p99 per tier over the live history, as a small SVG line chart (no
// chart library: three lines and two labels do not need one). Log scale:
// Elite's milliseconds and Free's seconds under a burst both stay readable.
import { html } from './vendor/preact-standalone.mjs';

const TIERS = [['elite', '#6f42c1'], ['pro', '#0b57d0'], ['free', '#57606a']];
const W = 600;
const H = 120;

/** p99 of `tier` summed over supervisors' worst, per event. */
const p99 = (event, tier) => Math.max(0, ...event.queues.filter((q) => q.tier === tier).map((q) => q.waitP99Ms));

export function WaitChart({ history }) {
  if (history.length < 2) return html`<p class="muted">Collecting…</p>`;
  const top = Math.max(10, ...history.flatMap((e) => TIERS.map(([t]) => p99(e, t))));
  const x = (i) => (i / (history.length - 1)) * W;
  const y = (v) => H - (Math.log10(1 + v) / Math.log10(1 + top)) * (H - 18);
  const last = history.at(-1);
  return html`<figure class="chart">
    <svg viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${`Wait p99 per tier, last ${history.length} readings; now ${TIERS.map(([t]) => `${t} ${p99(last, t)} ms`).join(', ')}`}>
      <line x1="0" y1=${H} x2=${W} y2=${H} stroke="#d0d7de" />
      ${TIERS.map(([tier, color]) => html`<polyline fill="none" stroke=${color} stroke-width="2" points=${history.map((e, i) => `${x(i).toFixed(1)},${y(p99(e, tier)).toFixed(1)}`).join(' ')} />`)}
      <text x="4" y="11" font-size="11" fill="#57606a">${top} ms (log scale)</text>
    </svg>
    <figcaption>${TIERS.map(([tier]) => html`<span class="legend"><span class=${`swatch ${tier}`}></span>${tier} p99 ${p99(last, tier)} ms</span>`)}</figcaption>
  </figure>`;
}
