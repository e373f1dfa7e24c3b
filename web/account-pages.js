// The pages a signed-out visitor reaches, most of them from a mailed link:
// register, confirm the address, ask for a reset link, set a new password.
// The API answers register and forgot the same whatever the address, so
// these pages never tell whether an account exists.
import { html, useEffect, useState } from './vendor/preact-standalone.mjs';
import { Alert } from './alert.js';
import { api, problemText } from './api.js';

/** The token of the mailed link, taken off the address bar so it stays out of history. */
function takeToken() {
  const token = new URLSearchParams(location.search).get('token');
  if (token !== null) history.replaceState(null, '', location.pathname);
  return token;
}

function Page({ title, children }) {
  return html`<main><section class="card narrow" aria-labelledby="page-title"><h1 id="page-title">${title}</h1>${children}</section></main>`;
}

/** A one-field-or-more form that posts to the API and shows what it answered. */
function useSubmit(send) {
  const [state, setState] = useState({ busy: false, error: null, done: null });
  const submit = async (event) => {
    event.preventDefault();
    setState({ busy: true, error: null, done: null });
    try {
      setState({ busy: false, error: null, done: await send(new FormData(event.target)) });
    } catch (e) {
      setState({ busy: false, error: problemText(e), done: null });
    }
  };
  return [state, submit];
}

export function Register() {
  const [state, submit] = useSubmit(async (form) => {
    if (form.get('password') !== form.get('repeat')) throw new Error('The two passwords differ');
    return (await api('POST', '/v1/auth/register', { email: form.get('email'), password: form.get('password') })).message;
  });
  return html`<${Page} title="Create an account">
    <${Alert}>${state.error}<//>
    ${state.done
      ? html`<${Alert} kind="ok">${state.done}. Open the link in that mail to confirm your address, then sign in.<//>`
      : html`<form onSubmit=${submit}>
        <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required />
        <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" required />
        <label for="repeat">Password again</label><input id="repeat" name="repeat" type="password" autocomplete="new-password" required />
        <button type="submit" disabled=${state.busy}>Create account</button></form>`}
    <p class="muted"><a href="/">Sign in</a></p>
  <//>`;
}

export function VerifyEmail() {
  const [token] = useState(takeToken);
  const [state, setState] = useState(token === null ? 'missing' : 'checking');
  const [error, setError] = useState(null);
  useEffect(() => {
    if (token !== null) api('POST', '/v1/auth/verify-email', { token }).then(() => setState('done'), (e) => { setError(problemText(e)); setState('failed'); });
  }, []);
  const [resend, submitResend] = useSubmit(async (form) => (await api('POST', '/v1/auth/verify-email/resend', { email: form.get('email') })).message);
  return html`<${Page} title="Confirm your email address">
    ${state === 'checking' && html`<p role="status">Confirming…</p>`}
    ${state === 'done' && html`<${Alert} kind="ok">Your address is confirmed. <a href="/">Sign in</a>.<//>`}
    ${state === 'missing' && html`<${Alert}>This page needs the link from your confirmation mail.<//>`}
    ${state === 'failed' && html`<${Alert}>${error}. The link may have expired or been used already.<//>`}
    ${(state === 'failed' || state === 'missing') && (resend.done
      ? html`<${Alert} kind="ok">${resend.done}.<//>`
      : html`<form onSubmit=${submitResend}><${Alert}>${resend.error}<//>
        <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required />
        <button type="submit" disabled=${resend.busy}>Mail me a new link</button></form>`)}
  <//>`;
}

export function ForgotPassword() {
  const [state, submit] = useSubmit(async (form) => (await api('POST', '/v1/auth/password/forgot', { email: form.get('email') })).message);
  return html`<${Page} title="Reset your password">
    <${Alert}>${state.error}<//>
    ${state.done
      ? html`<${Alert} kind="ok">${state.done}.<//>`
      : html`<form onSubmit=${submit}>
        <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" required />
        <button type="submit" disabled=${state.busy}>Mail me a reset link</button></form>`}
    <p class="muted"><a href="/">Sign in</a></p>
  <//>`;
}

export function ResetPassword() {
  const [token] = useState(takeToken);
  const [state, submit] = useSubmit(async (form) => {
    if (form.get('password') !== form.get('repeat')) throw new Error('The two passwords differ');
    await api('POST', '/v1/auth/password/reset', { token, newPassword: form.get('password') });
    return 'Your password is changed and every session signed out.';
  });
  if (token === null) {
    return html`<${Page} title="Choose a new password"><${Alert}>This page needs the link from your reset mail. <a href="/forgot-password">Ask for one</a>.<//><//>`;
  }
  return html`<${Page} title="Choose a new password">
    <${Alert}>${state.error}<//>
    ${state.done
      ? html`<${Alert} kind="ok">${state.done} <a href="/">Sign in</a>.<//>`
      : html`<form onSubmit=${submit}>
        <label for="password">New password</label><input id="password" name="password" type="password" autocomplete="new-password" required />
        <label for="repeat">New password again</label><input id="repeat" name="repeat" type="password" autocomplete="new-password" required />
        <button type="submit" disabled=${state.busy}>Set password</button></form>`}
  <//>`;
}
