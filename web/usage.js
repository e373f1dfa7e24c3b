// The signed-in home: the plan, and usage against its limits with a warning
// past 80 % of a limit and an alert at 100 % (the API sets `warning`).
import { html, useEffect, useState } from './vendor/preact-standalone.mjs';
import { Alert } from './alert.js';
import { api, problemText } from './api.js';

const FIGURES = [
  ['pairs', 'Forwarding pairs'], ['sessions', 'Linked accounts'], ['messagesForwarded', 'Messages forwarded this period'],
  ['apiCalls', 'API calls this period'], ['commands', 'Bot commands this period'],
];

const reached = (f) => f.limit !== null && f.used >= f.limit;

function Usage({ usage }) {
  const full = FIGURES.filter(([key]) => reached(usage.figures[key]));
  const near = FIGURES.filter(([key]) => usage.figures[key].warning && !reached(usage.figures[key]));
  return html`<section class="card" aria-labelledby="usage-title">
    <h2 id="usage-title">Usage</h2>
    <${Alert}>${full.length > 0 && `Limit reached: ${full.map(([, label]) => label).join(', ')}. Upgrade your plan to add more.`}<//>
    <${Alert} kind="warn">${near.length > 0 && `Over 80 % of your limit: ${near.map(([, label]) => label).join(', ')}.`}<//>
    <table><thead><tr><th scope="col">What</th><th scope="col">Used</th><th scope="col">Limit</th><th scope="col">Share</th></tr></thead>
    <tbody>${FIGURES.map(([key, label]) => {
      const f = usage.figures[key];
      const status = reached(f) ? 'status-bad' : f.warning ? 'status-warn' : '';
      return html`<tr class=${status}><th scope="row">${label}</th><td>${f.used}</td><td>${f.limit ?? 'unlimited'}</td>
        <td>${f.limit === null ? '-' : html`<meter min="0" max=${f.limit} optimum="0" low=${f.limit * 0.8} high=${f.limit * 0.99} value=${f.used} aria-label=${`${label}: ${f.used} of ${f.limit}`}></meter>`}</td></tr>`;
    })}</tbody></table>
  </section>`;
}

export function Overview({ me }) {
  const [usage, setUsage] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { api('GET', '/v1/usage').then(setUsage, (e) => setError(problemText(e))); }, []);
  return html`<main>
    <section class="card" aria-labelledby="plan-title">
      <h1 id="plan-title">Your plan: <span class="plan">${me.plan}</span></h1>
      <p class="muted">Signed in as ${me.email} (${me.role.replace('_', ' ')}).</p>
    </section>
    <${Alert}>${error}<//>
    ${usage && html`<${Usage} usage=${usage} />`}
  </main>`;
}
