// Linked accounts: Discord bots by token, Telegram user accounts through the
// login wizard (phone, the code Telegram sends, the 2FA password when set).
// A Telegram login spans several requests; the API keeps its state, so the
// wizard only remembers which account it is at and what comes next.
import { html, useEffect, useState } from './vendor/preact-standalone.mjs';
import { Alert } from './alert.js';
import { api, problemText } from './api.js';

function Remove({ onRemove, what }) {
  const [asked, setAsked] = useState(false);
  return asked
    ? html`<button class="danger" onClick=${onRemove}>Remove ${what} and its pairs</button> <button class="link" onClick=${() => setAsked(false)}>Keep</button>`
    : html`<button class="link" onClick=${() => setAsked(true)}>Remove</button>`;
}

function DiscordBots({ bots, reload, setError }) {
  const add = async (event) => {
    event.preventDefault();
    const form = event.target;
    setError(null);
    try {
      await api('POST', '/v1/discord-accounts', { token: new FormData(form).get('token') });
      form.reset();
      reload();
    } catch (e) { setError(problemText(e)); }
  };
  const remove = (id) => api('DELETE', `/v1/discord-accounts/${id}`).then(reload, (e) => setError(problemText(e)));
  return html`<section class="card" aria-labelledby="discord-title"><h2 id="discord-title">Discord bots</h2>
    ${bots.length === 0 ? html`<p class="muted">No bot linked yet.</p>` : html`<table>
      <thead><tr><th scope="col">Bot</th><th scope="col">Servers</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${bots.map((b) => html`<tr><td>${b.botUsername}</td><td>${b.servers.map((s) => s.name).join(', ') || '-'}</td>
        <td>${b.status}${b.lastError && html`<br /><span class="muted">${b.lastError}</span>`}</td>
        <td><${Remove} what=${b.botUsername} onRemove=${() => remove(b.id)} /></td></tr>`)}</tbody></table>`}
    <form onSubmit=${add} class="inline">
      <label for="bot-token">Bot token (from the Discord developer portal)</label>
      <input id="bot-token" name="token" type="password" autocomplete="off" required />
      <button type="submit">Link bot</button>
    </form></section>`;
}

function TelegramWizard({ reload, setError }) {
  const [step, setStep] = useState(null);
  const call = async (path, body) => {
    setError(null);
    try {
      const answer = await api('POST', path, body);
      if (answer.login.next === 'done') {
        setStep(null);
        reload();
      } else {
        setStep({ id: answer.id, phone: answer.phone, ...answer.login });
      }
    } catch (e) { setError(problemText(e)); }
  };
  const submit = (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    if (step === null) return call('/v1/telegram-accounts', { phone: form.get('phone') });
    if (step.next === 'code') return call(`/v1/telegram-accounts/${step.id}/code`, { code: form.get('code') });
    return call(`/v1/telegram-accounts/${step.id}/password`, { password: form.get('password') });
  };
  const field = step === null
    ? html`<label for="tg-phone">Phone number, with its country code</label><input id="tg-phone" name="phone" type="tel" autocomplete="tel" placeholder="+15551234567" required />`
    : step.next === 'code'
      ? html`<label for="tg-code">Code Telegram sent ${step.codeType === 'app' ? 'in the Telegram app' : `by ${step.codeType}`} to ${step.phone}</label>
        <input id="tg-code" name="code" inputmode="numeric" autocomplete="one-time-code" required />`
      : html`<label for="tg-password">Two-step verification password${step.passwordHint ? ` (hint: ${step.passwordHint})` : ''}</label>
        <input id="tg-password" name="password" type="password" autocomplete="off" required />`;
  return html`<form onSubmit=${submit} class="inline" aria-label="Link a Telegram account">
    ${field}
    <button type="submit">${step === null ? 'Send me a code' : step.next === 'code' ? 'Sign in' : 'Finish'}</button>
    ${step?.next === 'code' && html` <button type="button" class="link" onClick=${() => call(`/v1/telegram-accounts/${step.id}/resend`)}>Send the code again</button>`}
  </form>`;
}

function TelegramAccounts({ accounts, reload, setError }) {
  const remove = (id) => api('DELETE', `/v1/telegram-accounts/${id}`).then(reload, (e) => setError(problemText(e)));
  return html`<section class="card" aria-labelledby="telegram-title"><h2 id="telegram-title">Telegram accounts</h2>
    ${accounts.length === 0 ? html`<p class="muted">No Telegram account linked yet.</p>` : html`<table>
      <thead><tr><th scope="col">Account</th><th scope="col">Phone</th><th scope="col">Status</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${accounts.map((a) => html`<tr><td>${a.displayName ?? '-'}${a.username && html` <span class="muted">@${a.username}</span>`}</td><td>${a.phone}</td>
        <td>${a.status.replace('_', ' ')}${a.lastError && html`<br /><span class="muted">${a.lastError}</span>`}</td>
        <td><${Remove} what=${a.phone} onRemove=${() => remove(a.id)} /></td></tr>`)}</tbody></table>`}
    <${TelegramWizard} reload=${reload} setError=${setError} /></section>`;
}

/** Both platforms' accounts of the signed-in user; the pairs page reuses the loader. */
export function useAccounts() {
  const [accounts, setAccounts] = useState(null);
  const [error, setError] = useState(null);
  const reload = () => Promise.all([api('GET', '/v1/discord-accounts'), api('GET', '/v1/telegram-accounts')])
    .then(([discord, telegram]) => setAccounts({ discord: discord.items, telegram: telegram.items }), (e) => setError(problemText(e)));
  useEffect(() => { reload(); }, []);
  return { accounts, error, setError, reload };
}

export function Accounts() {
  const { accounts, error, setError, reload } = useAccounts();
  return html`<main><h1>Linked accounts</h1>
    <${Alert}>${error}<//>
    ${accounts && html`<${DiscordBots} bots=${accounts.discord} reload=${reload} setError=${setError} />
      <${TelegramAccounts} accounts=${accounts.telegram} reload=${reload} setError=${setError} />`}
  </main>`;
}
