// The admin's runtime page, live: workers and sessions with their memory,
// the queue per tier with wait p99 over time, and dead letters with replay.
// Session controls call the same routes as `switchboard` (audited there).
import { html, useEffect, useState } from './vendor/preact-standalone.mjs';
import { Alert } from './alert.js';
import { api, problemText } from './api.js';
import { useLiveCluster } from './live.js';
import { WaitChart } from './wait-chart.js';

const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;

const pct = (fraction) => `${Math.round(fraction * 100)} %`;

function PressureForm({ s }) {
  const [message, setMessage] = useState(null);
  // Held here, not read from each live event, so what the admin types is not overwritten every 2 s.
  const [high, setHigh] = useState(Math.round(s.pressure.highWatermark * 100));
  const [low, setLow] = useState(Math.round(s.pressure.lowWatermark * 100));
  const submit = async (event) => {
    event.preventDefault();
    setMessage(null);
    try {
      const r = await api('PUT', `/v1/admin/supervisors/${encodeURIComponent(s.supervisorId)}/pressure`, {
        highWatermark: Number(high) / 100, lowWatermark: Number(low) / 100,
      });
      setMessage({ kind: 'ok', text: `${s.supervisorId}: pause past ${pct(r.pressure.highWatermark)}, resume under ${pct(r.pressure.lowWatermark)}` });
    } catch (e) { setMessage({ kind: 'bad', text: `${s.supervisorId}: ${problemText(e)}` }); }
  };
  return html`<form onSubmit=${submit} class="inline search" aria-label=${`Watermarks of ${s.supervisorId}`}>
    <div><label for=${`high-${s.supervisorId}`}>Pause past, % RAM</label><input id=${`high-${s.supervisorId}`} name="high" type="number" min="1" max="100" value=${high} onInput=${(e) => setHigh(e.target.value)} /></div>
    <div><label for=${`low-${s.supervisorId}`}>Resume under, % RAM</label><input id=${`low-${s.supervisorId}`} name="low" type="number" min="1" max="99" value=${low} onInput=${(e) => setLow(e.target.value)} /></div>
    <button type="submit">Set watermarks</button>
    ${message && html`<${Alert} kind=${message.kind}>${message.text}<//>`}</form>`;
}

/** Host RAM against the watermarks: past the high one Free actors are paused first, and resumed under the low one. */
function Pressure({ supervisors }) {
  return html`<section class="card" aria-labelledby="pressure-title"><h2 id="pressure-title">Memory pressure</h2>
    ${supervisors.map((s) => html`<div class="supervisor"><h3>${s.supervisorId} <span class="muted">on ${s.hostname}</span></h3>
      <p>Host RAM in use: <strong>${pct(s.host.usedFraction)}</strong>; actors pause past ${pct(s.pressure.highWatermark)} (Free first${s.pressure.pauseElite ? ', Elite last' : ', never Elite'}) and resume under ${pct(s.pressure.lowWatermark)}.</p>
      <${PressureForm} s=${s} /></div>`)}
  </section>`;
}

function Workers({ workers }) {
  return html`<section class="card" aria-labelledby="workers-title"><h2 id="workers-title">Workers</h2>
    ${workers.length === 0 ? html`<p class="muted">No worker running.</p>` : html`<table>
    <thead><tr><th scope="col">Worker</th><th scope="col">Supervisor</th><th scope="col">State</th><th scope="col">Memory (RSS)</th><th scope="col">CPU</th><th scope="col">Sessions</th><th scope="col">Restarts</th></tr></thead>
    <tbody>${workers.map((w) => html`<tr><td>${w.workerId} <span class="muted">pid ${w.pid}</span></td><td>${w.supervisorId}</td><td>${w.state}</td>
      <td>${mib(w.rssBytes)} of ${mib(w.ramCapBytes)}</td><td>${w.cpuPercent === undefined ? '-' : `${w.cpuPercent.toFixed(0)} %`}</td>
      <td>${w.sessions} / ${w.sessionLimit}</td><td>${w.restarts}</td></tr>`)}</tbody></table>`}
  </section>`;
}

function SessionControls({ s, workers, act }) {
  const others = workers.filter((w) => w.supervisorId === s.supervisorId && w.workerId !== s.workerId);
  return html`${s.state === 'paused'
    ? html`<button onClick=${() => act(s, 'resume')}>Resume</button>`
    : html`<button onClick=${() => act(s, 'pause')}>Pause</button>`}
    <button onClick=${() => act(s, 'stop')}>Stop</button>
    ${others.length > 0 && html`<select aria-label=${`Move ${s.actorId} to`} onChange=${(e) => e.target.value && act(s, 'reassign', { toWorkerId: e.target.value })}>
      <option value="">Move to…</option>${others.map((w) => html`<option value=${w.workerId}>${w.workerId}</option>`)}</select>`}`;
}

function Sessions({ sessions, workers }) {
  const [message, setMessage] = useState(null);
  const act = async (s, verb, body = {}) => {
    setMessage(null);
    try {
      await api('POST', `/v1/admin/sessions/${encodeURIComponent(s.actorId)}/${verb}`, body);
      setMessage({ kind: 'ok', text: `${s.actorId}: ${verb} done` });
    } catch (e) { setMessage({ kind: 'bad', text: `${s.actorId}: ${problemText(e)}` }); }
  };
  return html`<section class="card" aria-labelledby="sessions-title"><h2 id="sessions-title">Sessions</h2>
    ${message && html`<${Alert} kind=${message.kind}>${message.text}<//>`}
    ${sessions.length === 0 ? html`<p class="muted">No session.</p>` : html`<table>
    <thead><tr><th scope="col">Session</th><th scope="col">Tier</th><th scope="col">State</th><th scope="col">Memory</th><th scope="col">Placement</th><th scope="col">Actions</th></tr></thead>
    <tbody>${sessions.map((s) => html`<tr><td>${s.actorId} <span class="muted">${s.platform}</span></td><td>${s.tier}</td>
      <td>${s.state}${s.pausedBy ? ` (${s.pausedBy})` : ''}${s.queuedReason ? ` (${s.queuedReason})` : ''}</td>
      <td>${mib(s.memoryBytes)}</td><td>${s.workerId ?? '-'}${s.threadIndex === null ? '' : ` #${s.threadIndex}`}</td>
      <td><${SessionControls} s=${s} workers=${workers} act=${act} /></td></tr>`)}</tbody></table>`}
  </section>`;
}

function Queue({ queues, history }) {
  return html`<section class="card" aria-labelledby="queue-title"><h2 id="queue-title">Queue per tier</h2>
    ${queues.length === 0 ? html`<p class="muted">No supervisor runs a queue.</p>` : html`<table>
    <thead><tr><th scope="col">Supervisor</th><th scope="col">Tier</th><th scope="col">Waiting</th><th scope="col">In flight</th><th scope="col">Wait p50</th><th scope="col">Wait p99</th><th scope="col">Dead letters</th></tr></thead>
    <tbody>${queues.map((q) => html`<tr><td>${q.supervisorId}</td><td>${q.tier}</td><td>${q.queued}</td><td>${q.inFlight}</td>
      <td>${q.waitP50Ms} ms</td><td>${q.waitP99Ms} ms</td><td>${q.deadLettered}</td></tr>`)}</tbody></table>`}
    <h3>Wait over time</h3><${WaitChart} history=${history} />
  </section>`;
}

function DeadLetters() {
  const [items, setItems] = useState(null);
  const [message, setMessage] = useState(null);
  const load = () => api('GET', '/v1/admin/dead-letters?limit=50').then((r) => setItems(r.items), (e) => setMessage({ kind: 'bad', text: problemText(e) }));
  useEffect(() => { load(); }, []);
  const replay = async (ids) => {
    setMessage(null);
    try {
      const r = await api('POST', '/v1/admin/dead-letters/replay', { ids });
      setMessage({ kind: 'ok', text: `Replayed: ${JSON.stringify(r.result)}` });
      load();
    } catch (e) { setMessage({ kind: 'bad', text: problemText(e) }); }
  };
  return html`<section class="card" aria-labelledby="dead-title"><h2 id="dead-title">Dead letters</h2>
    ${message && html`<${Alert} kind=${message.kind}>${message.text}<//>`}
    ${items && (items.length === 0 ? html`<p class="muted">None.</p>` : html`<table>
      <thead><tr><th scope="col">Task</th><th scope="col">Tier</th><th scope="col">Error</th><th scope="col">Actions</th></tr></thead>
      <tbody>${items.map((d) => html`<tr><td>${d.task.id}</td><td>${d.task.tier ?? '-'}</td><td>${d.reason}: ${d.error}</td>
        <td><button onClick=${() => replay([d.task.id])}>Replay</button></td></tr>`)}</tbody></table>
      <button onClick=${() => replay('all')}>Replay all</button>`)}
  </section>`;
}

function LiveRuntime() {
  const { cluster, history, connected } = useLiveCluster();
  return html`<main class="wide"><h1>Runtime <span class="live muted" role="status">${connected ? '● live' : '○ reconnecting…'}</span></h1>
    ${cluster && html`<p class="muted">${cluster.supervisors.length} supervisor(s), read ${new Date(cluster.at).toLocaleTimeString()}</p>
      <${Pressure} supervisors=${cluster.supervisors} />
      <${Workers} workers=${cluster.workers} />
      <${Sessions} sessions=${cluster.sessions} workers=${cluster.workers} />
      <${Queue} queues=${cluster.queues} history=${history} />`}
    <${DeadLetters} />
  </main>`;
}

export function AdminRuntime({ me }) {
  if (me.role !== 'admin') {
    return html`<main><section class="card"><h1>Runtime</h1><${Alert}>This page is for administrators. Your role is ${me.role.replace('_', ' ')}.<//></section></main>`;
  }
  return html`<${LiveRuntime} />`;
}
