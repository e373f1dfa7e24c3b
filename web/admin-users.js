// The admin's user list. The API refuses it to other roles whatever the page
// does; the page says so plainly instead of showing an empty table.
import { html, useEffect, useState } from './vendor/preact-standalone.mjs';
import { Alert } from './alert.js';
import { api, problemText } from './api.js';

export function AdminUsers({ me }) {
  const [users, setUsers] = useState(null);
  const [error, setError] = useState(null);
  const allowed = me.role === 'admin';
  useEffect(() => { if (allowed) api('GET', '/v1/admin/users?limit=50').then((page) => setUsers(page.items), (e) => setError(problemText(e))); }, [allowed]);
  if (!allowed) {
    return html`<main><section class="card"><h1>Administration</h1>
      <${Alert}>This page is for administrators. Your role is ${me.role.replace('_', ' ')}.<//></section></main>`;
  }
  return html`<main><section class="card" aria-labelledby="users-title"><h1 id="users-title">Users</h1>
    <${Alert}>${error}<//>
    ${users && html`<table><thead><tr><th scope="col">Email</th><th scope="col">Plan</th><th scope="col">Role</th><th scope="col">Status</th></tr></thead>
      <tbody>${users.map((u) => html`<tr><td>${u.email}</td><td>${u.plan}</td><td>${u.role}</td><td>${u.status}</td></tr>`)}</tbody></table>`}
  </section></main>`;
}
