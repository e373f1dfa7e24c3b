// The dashboard: Preact with htm (no build step), talking to the API only.
// Pages a mailed link opens live at their own paths (/verify-email,
// /reset-password, ...); the signed-in area lives at / with hash routes.
import { html, render, useEffect, useState } from './vendor/preact-standalone.mjs';
import { ForgotPassword, Register, ResetPassword, VerifyEmail } from './account-pages.js';
import { Accounts } from './accounts.js';
import { AdminReports } from './admin-reports.js';
import { AdminRuntime } from './admin-runtime.js';
import { AdminUsers } from './admin-users.js';
import { api, session } from './api.js';
import { Pairs } from './pairs.js';
import { Security } from './security.js';
import { SignIn } from './sign-in.js';
import { Overview } from './usage.js';

const PUBLIC_PAGES = { '/register': Register, '/verify-email': VerifyEmail, '/forgot-password': ForgotPassword, '/reset-password': ResetPassword };

const SIGNED_IN_PAGES = {
  '/accounts': () => html`<${Accounts} />`,
  '/pairs': () => html`<${Pairs} />`,
  '/admin': (me, reload) => html`<${AdminUsers} me=${me} onIdentityChange=${reload} />`,
  '/runtime': (me) => html`<${AdminRuntime} me=${me} />`,
  '/reports': (me) => html`<${AdminReports} me=${me} />`,
  '/security': () => html`<${Security} />`,
};

function useHashRoute() {
  const [route, setRoute] = useState(location.hash.slice(1) || '/');
  useEffect(() => {
    const onHash = () => setRoute(location.hash.slice(1) || '/');
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

function Header({ children }) {
  return html`<header><a class="brand" href="/">Switchboard</a>${children}</header>`;
}

function SignedIn() {
  const route = useHashRoute();
  const [me, setMe] = useState(undefined);
  // Without a token there is nothing to ask: a 401 would only be noise in the console.
  const load = () => (session.token() === null ? setMe(null) : api('GET', '/v1/me').then(setMe, () => setMe(null)));
  useEffect(() => { load(); }, []);
  const signOut = () => { session.signOut(); setMe(null); };
  const stopActing = () => {
    if (!session.endImpersonation()) session.signOut();
    location.hash = '#/admin';
    load();
  };
  if (me === undefined) return html`<p class="loading">Loading…</p>`;
  if (me === null) return html`<${Header} /><${SignIn} onSignedIn=${load} />`;
  return html`<${Header}>
    <nav aria-label="Main"><a href="#/">Plan and usage</a><a href="#/accounts">Linked accounts</a><a href="#/pairs">Pairs</a><a href="#/security">Sign-ins and keys</a>
      ${me.role === 'admin' && html`<a href="#/admin">Users</a><a href="#/runtime">Runtime</a><a href="#/reports">Reports</a>`}</nav>
    <button class="link" onClick=${signOut}>Sign out</button><//>
    ${me.impersonatorId && html`<div class="impersonation" role="alert">You are acting as ${me.email}: everything you do here is done as them, and audited as yours.
      <button onClick=${stopActing}>Back to my own account</button></div>`}
    ${SIGNED_IN_PAGES[route]?.(me, load) ?? html`<${Overview} me=${me} />`}`;
}

function App() {
  const Public = PUBLIC_PAGES[location.pathname];
  return Public ? html`<${Header} /><${Public} />` : html`<${SignedIn} />`;
}

render(html`<${App} />`, document.getElementById('app'));
