// Forwarding pairs: the list with each pair's state and delivery notice, a
// form to add one between linked accounts (with its options and a keyword
// filter), and the dry run: a sample message through the pair's filters,
// answered by the API with what would be delivered or why it would be dropped.
import { html, useEffect, useState } from './vendor/preact-standalone.mjs';
import { useAccounts } from './accounts.js';
import { Alert } from './alert.js';
import { api, problemText } from './api.js';

const accountName = (accounts, end) => {
  const list = end.platform === 'discord' ? accounts.discord : accounts.telegram;
  const a = list.find((x) => x.id === end.accountId);
  return a === undefined ? end.platform : `${end.platform === 'discord' ? 'Discord' : 'Telegram'} ${a.botUsername ?? a.displayName ?? a.phone}`;
};

function EndFields({ prefix, legend, accounts }) {
  const options = [
    ...accounts.discord.filter((a) => a.status === 'active').map((a) => ({ value: `discord:${a.id}`, label: `Discord bot ${a.botUsername}` })),
    ...accounts.telegram.filter((a) => a.status === 'active').map((a) => ({ value: `telegram:${a.id}`, label: `Telegram ${a.displayName ?? a.phone}` })),
  ];
  return html`<fieldset><legend>${legend}</legend>
    <label for=${`${prefix}-account`}>Account</label>
    <select id=${`${prefix}-account`} name=${`${prefix}Account`} required>${options.map((o) => html`<option value=${o.value}>${o.label}</option>`)}</select>
    <label for=${`${prefix}-chat`}>Chat or channel id</label><input id=${`${prefix}-chat`} name=${`${prefix}Chat`} required />
  </fieldset>`;
}

const KINDS = ['text', 'photo', 'video', 'audio', 'voice', 'document', 'sticker', 'animation'];
const words = (value) => String(value ?? '').split(',').map((w) => w.trim()).filter(Boolean);

/** The filters the form describes, in the order the engine runs them. Regex, media and replace need a plan with advanced filters. */
function filtersOf(form) {
  const out = [];
  if (words(form.get('words')).length > 0) out.push({ kind: 'keyword', mode: 'include', words: words(form.get('words')) });
  if (words(form.get('without')).length > 0) out.push({ kind: 'keyword', mode: 'exclude', words: words(form.get('without')) });
  if (String(form.get('pattern')).trim()) out.push({ kind: 'regex', mode: 'include', pattern: String(form.get('pattern')).trim(), flags: 'i' });
  const kinds = KINDS.filter((k) => form.get(`kind-${k}`) === 'on');
  if (kinds.length > 0) out.push({ kind: 'media_type', allow: kinds });
  if (String(form.get('find'))) out.push({ kind: 'replace', find: String(form.get('find')), replacement: String(form.get('replacement') ?? '') });
  return out;
}

/** One line per filter, as the pair list shows it. */
function describeFilter(f) {
  switch (f.kind) {
    case 'keyword': return `${f.mode === 'include' ? 'only with' : 'never with'}: ${f.words.join(', ')}`;
    case 'regex': return `${f.mode === 'include' ? 'only matching' : 'never matching'} /${f.pattern}/${f.flags ?? ''}`;
    case 'media_type': return `only: ${f.allow.join(', ')}`;
    case 'replace': return `replace “${f.find}” with “${f.replacement}”`;
    default: return f.kind.replaceAll('_', ' ');
  }
}

function end(form, prefix) {
  const [platform, accountId] = String(form.get(`${prefix}Account`)).split(':');
  return { platform, accountId, chatId: String(form.get(`${prefix}Chat`)).trim() };
}

function NewPair({ accounts, onCreated, setError }) {
  if (accounts.discord.length + accounts.telegram.length === 0) {
    return html`<section class="card"><h2>New pair</h2><p>Link an account first, on <a href="#/accounts">Linked accounts</a>.</p></section>`;
  }
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const filters = filtersOf(form);
    setError(null);
    try {
      await api('POST', '/v1/pairs', {
        ...(String(form.get('name')).trim() ? { name: String(form.get('name')).trim() } : {}),
        source: end(form, 'source'), destination: end(form, 'destination'),
        silent: form.get('silent') === 'on', copyMode: form.get('copyMode') === 'on',
        delayMs: Math.round(Number(form.get('delay') || 0) * 1000),
        ...(filters.length > 0 ? { filters } : {}),
      });
      event.target.reset();
      onCreated();
    } catch (e) { setError(problemText(e)); }
  };
  return html`<form class="card wide" onSubmit=${submit} aria-labelledby="new-pair-title"><h2 id="new-pair-title">New pair</h2>
    <label for="pair-name">Name (optional)</label><input id="pair-name" name="name" />
    <div class="ends"><${EndFields} prefix="source" legend="From" accounts=${accounts} /><${EndFields} prefix="destination" legend="To" accounts=${accounts} /></div>
    <fieldset><legend>Filters (optional)</legend>
      <label for="pair-words">Only messages with one of these words (comma-separated)</label><input id="pair-words" name="words" />
      <label for="pair-without">Never messages with these words</label><input id="pair-without" name="without" />
      <p class="muted">Pro and Elite also have:</p>
      <label for="pair-pattern">Only messages matching this pattern (regular expression, any case)</label><input id="pair-pattern" name="pattern" />
      <div role="group" aria-labelledby="kinds-label"><p id="kinds-label" class="label">Only these kinds of message</p>
        <div class="kinds">${KINDS.map((k) => html`<label class="check"><input type="checkbox" name=${`kind-${k}`} /> ${k}</label>`)}</div></div>
      <div class="ends"><div><label for="pair-find">Replace</label><input id="pair-find" name="find" /></div>
        <div><label for="pair-replacement">with</label><input id="pair-replacement" name="replacement" /></div></div>
    </fieldset>
    <label for="pair-delay">Delay, seconds</label><input id="pair-delay" name="delay" type="number" min="0" step="1" value="0" />
    <label class="check"><input type="checkbox" name="silent" /> Silent (no notification)</label>
    <label class="check"><input type="checkbox" name="copyMode" /> Copy (no "forwarded from")</label>
    <button type="submit">Add pair</button></form>`;
}

function Preview({ pair }) {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      setResult(await api('POST', `/v1/pairs/${pair.id}/preview`, { text: new FormData(event.target).get('text') }));
    } catch (e) { setError(problemText(e)); }
  };
  const o = result?.outcome;
  return html`<form onSubmit=${submit} class="inline" aria-label=${`Try a message on ${pair.name}`}>
    <label for=${`try-${pair.id}`}>Try a message</label><input id=${`try-${pair.id}`} name="text" />
    <button type="submit">Try</button>
    <${Alert}>${error}<//>
    ${o && (o.action === 'forward'
      ? html`<p class="alert ok" role="status">Would forward: “${o.message.text.text}”</p>`
      : html`<p class="alert warn" role="status">Would drop (${o.reason.replaceAll('_', ' ')}, filter ${o.filterIndex + 1}: ${o.kind})</p>`)}
  </form>`;
}

export function Pairs() {
  const { accounts, error: accountsError } = useAccounts();
  const [pairs, setPairs] = useState(null);
  const [error, setError] = useState(null);
  const reload = () => api('GET', '/v1/pairs?limit=200').then((page) => setPairs(page.items), (e) => setError(problemText(e)));
  useEffect(() => { reload(); }, []);
  const remove = (id) => api('DELETE', `/v1/pairs/${id}`).then(reload, (e) => setError(problemText(e)));
  return html`<main><h1>Forwarding pairs</h1>
    <${Alert}>${error ?? accountsError}<//>
    ${pairs && accounts && html`<section class="card" aria-labelledby="pairs-title"><h2 id="pairs-title">Your pairs</h2>
      ${pairs.length === 0 ? html`<p class="muted">No pair yet.</p>` : html`<ul class="pairs">${pairs.map((p) => html`<li>
        <strong>${p.name}</strong> <span class="muted">${accountName(accounts, p.source)} ${p.source.chatId} → ${accountName(accounts, p.destination)} ${p.destination.chatId}</span>
        <span class=${p.status === 'active' ? '' : 'status-warn'}> · ${p.status}${p.pausedReason ? ` (${p.pausedReason.replaceAll('_', ' ')})` : ''}</span>
        ${p.filters.length > 0 && html`<ul class="filters">${p.filters.map((f) => html`<li>${describeFilter(f)}</li>`)}</ul>`}
        ${p.deliveryNotice && html`<${Alert} kind="warn">${p.deliveryNotice.message}<//>`}
        <${Preview} pair=${p} />
        <button class="link" onClick=${() => remove(p.id)}>Delete ${p.name}</button></li>`)}</ul>`}
    </section>
    <${NewPair} accounts=${accounts} onCreated=${() => { setError(null); reload(); }} setError=${setError} />`}
  </main>`;
}
