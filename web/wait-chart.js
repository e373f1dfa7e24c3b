// Wait p50 and p99 per tier over the live history, drawn by uPlot. Log
// scale: Elite's milliseconds and Free's seconds under a burst both stay
// readable. The canvas is described for screen readers by its label and the
// text legend under it.
import { html, useEffect, useRef } from './vendor/preact-standalone.mjs';
import uPlot from './vendor/uplot.mjs';

const TIERS = [['elite', '#6f42c1'], ['pro', '#0b57d0'], ['free', '#57606a']];

/** Worst p99 (or p50) of `tier` over the supervisors, per event. */
const worst = (event, tier, key) => Math.max(0, ...event.queues.filter((q) => q.tier === tier).map((q) => q[key]));

function series() {
  return [
    {},
    ...TIERS.flatMap(([tier, color]) => [
      { label: `${tier} p99 (ms)`, stroke: color, width: 2 },
      { label: `${tier} p50 (ms)`, stroke: color, width: 1, dash: [4, 4] },
    ]),
  ];
}

function dataOf(history) {
  // A log axis cannot show 0: a wait of 0 ms is drawn at 1 ms.
  const at = (event, tier, key) => Math.max(1, worst(event, tier, key));
  return [
    history.map((e) => e.at / 1000),
    ...TIERS.flatMap(([tier]) => [history.map((e) => at(e, tier, 'waitP99Ms')), history.map((e) => at(e, tier, 'waitP50Ms'))]),
  ];
}

function Plot({ history }) {
  const box = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    plot.current = new uPlot({
      width: Math.max(300, box.current.clientWidth), height: 220,
      scales: { y: { distr: 3 } },
      axes: [{}, { label: 'ms' }],
      series: series(),
    }, dataOf(history), box.current);
    return () => plot.current?.destroy();
  }, []);
  useEffect(() => { plot.current?.setData(dataOf(history)); }, [history]);
  return html`<div ref=${box} role="img" aria-label=${`Queue wait per tier over the last ${history.length} readings`}></div>`;
}

export function WaitChart({ history }) {
  const last = history.at(-1);
  // One reading has no time range to draw over.
  return html`<figure class="chart">
    ${history.length < 2 ? html`<p class="muted">Collecting…</p>` : html`<${Plot} history=${history} />`}
    <figcaption>${last && TIERS.map(([tier]) => html`<span class="legend"><span class=${`swatch ${tier}`}></span>${tier}: p50 ${worst(last, tier, 'waitP50Ms')} ms, p99 ${worst(last, tier, 'waitP99Ms')} ms</span>`)}</figcaption>
  </figure>`;
}
