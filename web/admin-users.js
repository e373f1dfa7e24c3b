// The admin's users: search by email, change a plan, suspend or reactivate,
// and act as a user (impersonation; the banner in app.js shows it on every
// page until the admin stops). The API refuses all of it to other roles
// whatever the page does; the page says so plainly instead of an empty table.
import { html, useEffect, useState } from './vendor/preact-standalone.mjs';
import { Alert } from './alert.js';
import { api, problemText, session } from './api.js';

const PLANS = ['free', 'pro', 'elite'];

function UserRow({ u, me, act }) {
  const self = u.id === me.id;
  return html`<tr><td>${u.email}</td><td>${u.role.replace('_', ' ')}</td>
    <td><select aria-label=${`Plan of ${u.email}`} value=${u.plan} onChange=${(e) => act(u, 'plan', e.target.value)}>
      ${PLANS.map((p) => html`<option value=${p}>${p}</option>`)}</select></td>
    <td>${u.status}</td><td>${u.usage.pairs} pairs, ${u.usage.sessions} accounts, ${u.usage.messagesForwarded} messages</td>
    <td>${!self && u.status === 'active' && html`<button onClick=${() => act(u, 'suspend')}>Suspend</button>`}
      ${u.status === 'suspended' && html`<button onClick=${() => act(u, 'reactivate')}>Reactivate</button>`}
      ${!self && u.role !== 'admin' && u.status === 'active' && html`<button onClick=${() => act(u, 'impersonate')}>Act as</button>`}</td></tr>`;
}

export function AdminUsers({ me, onIdentityChange }) {
  const [users, setUsers] = useState(null);
  const [query, setQuery] = useState('');
  const [message, setMessage] = useState(null);
  const allowed = me.role === 'admin';
  const load = (email = query) => api('GET', `/v1/admin/users?limit=50${email ? `&email=${encodeURIComponent(email)}` : ''}`)
    .then((page) => setUsers(page.items), (e) => setMessage({ kind: 'bad', text: problemText(e) }));
  useEffect(() => { if (allowed) load(); }, [allowed]);
  if (!allowed) {
    return html`<main><section class="card"><h1>Administration</h1>
      <${Alert}>This page is for administrators. Your role is ${me.role.replace('_', ' ')}.<//></section></main>`;
  }
  const act = async (u, action, plan) => {
    setMessage(null);
    try {
      if (action === 'impersonate') {
        const { accessToken } = await api('POST', `/v1/admin/users/${u.id}/impersonate`, {});
        session.impersonate(accessToken);
        location.hash = '#/';
        onIdentityChange();
        return;
      }
      if (action === 'plan') await api('PUT', `/v1/admin/users/${u.id}/plan`, { plan });
      else await api('POST', `/v1/admin/users/${u.id}/${action}`, {});
      setMessage({ kind: 'ok', text: `${u.email}: ${action === 'plan' ? `plan is now ${plan}` : `${action} done`}` });
      load();
    } catch (e) { setMessage({ kind: 'bad', text: `${u.email}: ${problemText(e)}` }); }
  };
  const search = (event) => {
    event.preventDefault();
    load(query);
  };
  return html`<main class="wide"><section class="card" aria-labelledby="users-title"><h1 id="users-title">Users</h1>
    <form onSubmit=${search} class="inline search" role="search">
      <label for="user-search">Email contains</label>
      <input id="user-search" type="search" value=${query} onInput=${(e) => setQuery(e.target.value)} />
      <button type="submit">Search</button></form>
    ${message && html`<${Alert} kind=${message.kind}>${message.text}<//>`}
    ${users && html`<table><thead><tr><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Plan</th><th scope="col">Status</th><th scope="col">Usage</th><th scope="col">Actions</th></tr></thead>
      <tbody>${users.map((u) => html`<${UserRow} u=${u} me=${me} act=${act} />`)}</tbody></table>`}
  </section></main>`;
}
