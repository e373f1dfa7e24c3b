// The user's sign-ins (each device's session, ended one by one) and API keys
// (created with scopes and an optional expiry, shown once, revoked).
import { html, useEffect, useState } from './vendor/preact-standalone.mjs';
import { Alert } from './alert.js';
import { api, problemText } from './api.js';

const when = (iso) => (iso === null ? '-' : new Date(iso).toLocaleString());

function Sessions({ setMessage }) {
  const [sessions, setSessions] = useState(null);
  const load = () => api('GET', '/v1/auth/sessions').then((r) => setSessions(r.sessions), (e) => setMessage({ kind: 'bad', text: problemText(e) }));
  useEffect(() => { load(); }, []);
  const end = (s) => api('DELETE', `/v1/auth/sessions/${s.id}`).then(() => { setMessage({ kind: 'ok', text: 'Signed out there.' }); load(); }, (e) => setMessage({ kind: 'bad', text: problemText(e) }));
  return html`<section class="card" aria-labelledby="sessions-title"><h2 id="sessions-title">Where you are signed in</h2>
    ${sessions && html`<table><thead><tr><th scope="col">Device</th><th scope="col">Address</th><th scope="col">Last used</th><th scope="col">Actions</th></tr></thead>
      <tbody>${sessions.map((s) => html`<tr><td>${s.device ?? s.userAgent ?? 'unknown'}${s.current && html` <strong>(this one)</strong>`}</td><td>${s.ip ?? '-'}</td>
        <td>${when(s.lastUsedAt ?? s.createdAt)}</td><td>${!s.current && html`<button onClick=${() => end(s)}>Sign out there</button>`}</td></tr>`)}</tbody></table>`}
  </section>`;
}

function ApiKeys({ setMessage }) {
  const [keys, setKeys] = useState(null);
  const [created, setCreated] = useState(null);
  const load = () => api('GET', '/v1/api-keys').then((r) => setKeys(r.apiKeys), (e) => setMessage({ kind: 'bad', text: problemText(e) }));
  useEffect(() => { load(); }, []);
  const create = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const days = String(form.get('days')).trim();
    setMessage(null);
    try {
      const r = await api('POST', '/v1/api-keys', {
        name: form.get('name'), scopes: form.get('write') === 'on' ? ['read', 'write'] : ['read'],
        ...(days === '' ? {} : { expiresInDays: Number(days) }),
      });
      setCreated(r);
      event.target.reset();
      load();
    } catch (e) { setMessage({ kind: 'bad', text: problemText(e) }); }
  };
  const revoke = (k) => api('DELETE', `/v1/api-keys/${k.id}`).then(load, (e) => setMessage({ kind: 'bad', text: problemText(e) }));
  return html`<section class="card" aria-labelledby="keys-title"><h2 id="keys-title">API keys</h2>
    ${created && html`<div class="alert ok" role="status">Key <strong>${created.apiKey.name}</strong> created. Copy it now, it is not shown again:
      <code class="secret">${created.key}</code></div>`}
    ${keys && (keys.length === 0 ? html`<p class="muted">No key yet.</p>` : html`<table>
      <thead><tr><th scope="col">Name</th><th scope="col">Starts with</th><th scope="col">Scopes</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">Actions</th></tr></thead>
      <tbody>${keys.map((k) => html`<tr><td>${k.name}</td><td><code>${k.prefix}</code></td><td>${k.scopes.join(', ')}</td><td>${k.expiresAt === null ? 'never' : when(k.expiresAt)}</td>
        <td>${when(k.lastUsedAt)}</td><td>${k.revokedAt === null ? html`<button onClick=${() => revoke(k)}>Revoke ${k.name}</button>` : 'revoked'}</td></tr>`)}</tbody></table>`)}
    <form onSubmit=${create} class="inline">
      <label for="key-name">New key's name</label><input id="key-name" name="name" required />
      <label for="key-days">Expires after, days (empty: never)</label><input id="key-days" name="days" type="number" min="1" max="365" />
      <label class="check"><input type="checkbox" name="write" /> May change things (scope write); otherwise read only</label>
      <button type="submit">Create key</button>
    </form></section>`;
}

export function Security() {
  const [message, setMessage] = useState(null);
  return html`<main class="wide"><h1>Sign-ins and API keys</h1>
    ${message && html`<${Alert} kind=${message.kind}>${message.text}<//>`}
    <${Sessions} setMessage=${setMessage} /><${ApiKeys} setMessage=${setMessage} /></main>`;
}
