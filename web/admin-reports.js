// The admin's figures and trail: users, pairs and messages this period by
// tier, and the audit trail filtered by action (a prefix ending in `.`
// matches a family, e.g. `admin.`).
import { html, useEffect, useState } from './vendor/preact-standalone.mjs';
import { Alert } from './alert.js';
import { api, problemText } from './api.js';

const TIERS = ['elite', 'pro', 'free'];

function Stats() {
  const [stats, setStats] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { api('GET', '/v1/admin/stats').then(setStats, (e) => setError(problemText(e))); }, []);
  if (error) return html`<${Alert}>${error}<//>`;
  if (!stats) return null;
  const rows = [
    ['Users', stats.users.byTier], ['Active pairs', stats.pairs.active], ['Paused pairs', stats.pairs.paused], ['Messages this period', stats.messagesThisPeriod.byTier],
  ];
  return html`<section class="card" aria-labelledby="stats-title"><h2 id="stats-title">By tier</h2>
    <p class="muted">Period ${new Date(stats.period.start).toLocaleDateString()} to ${new Date(stats.period.end).toLocaleDateString()}; ${stats.users.total} users, ${stats.pairs.total} pairs, ${stats.messagesThisPeriod.total} messages.</p>
    <table><thead><tr><th scope="col">What</th>${TIERS.map((t) => html`<th scope="col">${t}</th>`)}</tr></thead>
    <tbody>${rows.map(([label, byTier]) => html`<tr><th scope="row">${label}</th>${TIERS.map((t) => html`<td>${byTier[t]}</td>`)}</tr>`)}</tbody></table>
  </section>`;
}

function Audit() {
  const [action, setAction] = useState('');
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const load = (a = action) => {
    setError(null);
    api('GET', `/v1/admin/audit?limit=50${a ? `&action=${encodeURIComponent(a)}` : ''}`).then(setPage, (e) => setError(problemText(e)));
  };
  useEffect(() => { load(); }, []);
  const submit = (event) => {
    event.preventDefault();
    load();
  };
  return html`<section class="card" aria-labelledby="audit-title"><h2 id="audit-title">Audit trail</h2>
    <form onSubmit=${submit} class="inline search" role="search">
      <label for="audit-action">Action (or a prefix ending in .)</label>
      <input id="audit-action" value=${action} onInput=${(e) => setAction(e.target.value)} />
      <button type="submit">Filter</button></form>
    <${Alert}>${error}<//>
    ${page && html`<p class="muted">${page.total} event(s)</p><table>
      <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">By</th><th scope="col">Target</th><th scope="col">From</th></tr></thead>
      <tbody>${page.items.map((e) => html`<tr><td>${new Date(e.createdAt).toLocaleString()}</td><td>${e.action}</td><td>${e.actorUserId ?? 'system'}</td>
        <td>${e.targetType}${e.targetId ? ` ${e.targetId}` : ''}</td><td>${e.ip ?? '-'}</td></tr>`)}</tbody></table>`}
  </section>`;
}

export function AdminReports({ me }) {
  if (me.role !== 'admin') {
    return html`<main><section class="card"><h1>Reports</h1><${Alert}>This page is for administrators. Your role is ${me.role.replace('_', ' ')}.<//></section></main>`;
  }
  return html`<main class="wide"><h1>Reports</h1><${Stats} /><${Audit} /></main>`;
}
