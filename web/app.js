// The dashboard: Preact with htm (no build step), talking to the API only.
// A first slice: sign in (with 2FA), plan and usage with warnings at 80 % and
// 100 %, and the admin's user list behind a role guard on both sides.
import { html, render, useEffect, useState } from './vendor/preact-standalone.mjs';

const TOKEN_KEY = 'switchboard.accessToken';

async function api(method, path, body) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const res = await fetch(path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw Object.assign(new Error(data?.error?.message ?? `HTTP ${res.status}`), { status: res.status, code: data?.error?.code });
  return data;
}

function useRoute() {
  const [route, setRoute] = useState(location.hash.slice(1) || '/');
  useEffect(() => {
    const onHash = () => setRoute(location.hash.slice(1) || '/');
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

function SignIn({ onSignedIn }) {
  const [error, setError] = useState(null);
  const [mfaToken, setMfaToken] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    setError(null);
    try {
      const answer = mfaToken === null
        ? await api('POST', '/v1/auth/login', { email: form.get('email'), password: form.get('password') })
        : await api('POST', '/v1/auth/login/totp', { mfaToken, code: form.get('code') });
      if (answer.mfaRequired) {
        setMfaToken(answer.mfaToken);
        return;
      }
      sessionStorage.setItem(TOKEN_KEY, answer.accessToken);
      onSignedIn();
    } catch (e) {
      setError(e.message);
    }
  };
  return html`<main><form class="card" onSubmit=${submit} aria-labelledby="sign-in-title">
    <h1 id="sign-in-title">Sign in</h1>
    ${error && html`<p class="alert bad" role="alert">${error}</p>`}
    ${mfaToken === null
      ? html`<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required />
        <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required />`
      : html`<label for="code">Code from your authenticator app</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required />`}
    <button type="submit">${mfaToken === null ? 'Sign in' : 'Verify'}</button>
  </form></main>`;
}

const FIGURES = [
  ['pairs', 'Forwarding pairs'], ['sessions', 'Linked accounts'], ['messagesForwarded', 'Messages forwarded this period'],
  ['apiCalls', 'API calls this period'], ['commands', 'Bot commands this period'],
];

function Usage({ usage }) {
  const full = FIGURES.filter(([key]) => usage.figures[key].limit !== null && usage.figures[key].used >= usage.figures[key].limit);
  const near = FIGURES.filter(([key]) => usage.figures[key].warning && !full.some(([k]) => k === key));
  return html`<section class="card" aria-labelledby="usage-title">
    <h2 id="usage-title">Usage</h2>
    ${full.length > 0 && html`<p class="alert bad" role="alert">Limit reached: ${full.map(([, label]) => label).join(', ')}. Upgrade your plan to add more.</p>`}
    ${near.length > 0 && html`<p class="alert warn" role="status">Over 80 % of your limit: ${near.map(([, label]) => label).join(', ')}.</p>`}
    <table><thead><tr><th scope="col">What</th><th scope="col">Used</th><th scope="col">Limit</th><th scope="col">Share</th></tr></thead>
    <tbody>${FIGURES.map(([key, label]) => {
      const f = usage.figures[key];
      const status = f.limit !== null && f.used >= f.limit ? 'status-bad' : f.warning ? 'status-warn' : '';
      return html`<tr class=${status}><th scope="row">${label}</th><td>${f.used}</td><td>${f.limit ?? 'unlimited'}</td>
        <td>${f.limit === null ? '-' : html`<meter min="0" max=${f.limit} low=${f.limit * 0.8} high=${f.limit * 0.99} value=${f.used} aria-label=${`${label}: ${f.used} of ${f.limit}`}></meter>`}</td></tr>`;
    })}</tbody></table>
  </section>`;
}

function Overview({ me }) {
  const [usage, setUsage] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { api('GET', '/v1/usage').then(setUsage, (e) => setError(e.message)); }, []);
  return html`<main>
    <section class="card" aria-labelledby="plan-title">
      <h1 id="plan-title">Your plan: <span class="plan">${me.plan}</span></h1>
      <p class="muted">Signed in as ${me.email} (${me.role.replace('_', ' ')}).</p>
    </section>
    ${error && html`<p class="alert bad" role="alert">${error}</p>`}
    ${usage && html`<${Usage} usage=${usage} />`}
  </main>`;
}

function Admin({ me }) {
  const [users, setUsers] = useState(null);
  const [error, setError] = useState(null);
  const allowed = me.role === 'admin';
  useEffect(() => { if (allowed) api('GET', '/v1/admin/users?limit=50').then((page) => setUsers(page.items), (e) => setError(e.message)); }, [allowed]);
  if (!allowed) {
    return html`<main><section class="card"><h1>Administration</h1>
      <p class="alert bad" role="alert">This page is for administrators. Your role is ${me.role.replace('_', ' ')}.</p></section></main>`;
  }
  return html`<main><section class="card" aria-labelledby="users-title"><h1 id="users-title">Users</h1>
    ${error && html`<p class="alert bad" role="alert">${error}</p>`}
    ${users && html`<table><thead><tr><th scope="col">Email</th><th scope="col">Plan</th><th scope="col">Role</th><th scope="col">Status</th></tr></thead>
      <tbody>${users.map((u) => html`<tr><td>${u.email}</td><td>${u.plan}</td><td>${u.role}</td><td>${u.status}</td></tr>`)}</tbody></table>`}
  </section></main>`;
}

function App() {
  const route = useRoute();
  const [me, setMe] = useState(undefined);
  // Without a token there is nothing to ask: a 401 would only be noise in the console.
  const load = () => (sessionStorage.getItem(TOKEN_KEY) === null ? Promise.resolve(setMe(null)) : api('GET', '/v1/me').then(setMe, () => setMe(null)));
  useEffect(() => { load(); }, []);
  const signOut = () => { sessionStorage.removeItem(TOKEN_KEY); setMe(null); };
  if (me === undefined) return html`<p class="loading">Loading…</p>`;
  if (me === null) return html`<header><span class="brand">Switchboard</span></header><${SignIn} onSignedIn=${load} />`;
  return html`<header><span class="brand">Switchboard</span>
    <nav aria-label="Main"><a href="#/">Plan and usage</a>${me.role === 'admin' && html`<a href="#/admin">Users</a>`}</nav>
    <button class="link" onClick=${signOut}>Sign out</button></header>
    ${route === '/admin' ? html`<${Admin} me=${me} />` : html`<${Overview} me=${me} />`}`;
}

render(html`<${App} />`, document.getElementById('app'));
