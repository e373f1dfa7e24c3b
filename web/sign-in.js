import { html, useState } from './vendor/preact-standalone.mjs';
import { Alert } from './alert.js';
import { api, problemText, session } from './api.js';

/** Email and password, then the authenticator code when the account has 2FA on. */
export function SignIn({ onSignedIn }) {
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
      session.signIn(answer.accessToken);
      onSignedIn();
    } catch (e) {
      setError(problemText(e));
    }
  };
  return html`<main><form class="card" onSubmit=${submit} aria-labelledby="sign-in-title">
    <h1 id="sign-in-title">Sign in</h1>
    <${Alert}>${error}<//>
    ${mfaToken === null
      ? html`<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required />
        <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required />`
      : html`<label for="code">Code from your authenticator app</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required />`}
    <button type="submit">${mfaToken === null ? 'Sign in' : 'Verify'}</button>
    <p class="muted"><a href="/register">Create an account</a> · <a href="/forgot-password">Forgot your password?</a></p>
  </form></main>`;
}
