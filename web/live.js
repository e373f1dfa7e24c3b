// The admin's live view: `GET /v1/admin/live` read with fetch (so the token
// goes in a header, never the URL, as EventSource would need), parsed as
// server-sent events. Keeps the latest cluster and a short history for charts;
// reconnects after a drop.
import { useEffect, useState } from './vendor/preact-standalone.mjs';
import { session } from './api.js';

const HISTORY = 60;

async function follow(path, onEvent, signal) {
  const res = await fetch(path, { headers: { authorization: `Bearer ${session.token()}` }, signal });
  if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event !== undefined && data !== undefined) onEvent(event, JSON.parse(data));
    }
  }
}

/** `{ cluster, history, connected }`: the newest `cluster` event, the last 60, and whether the stream is up. */
export function useLiveCluster() {
  const [state, setState] = useState({ cluster: null, history: [], connected: false });
  useEffect(() => {
    const controller = new AbortController();
    const run = async () => {
      while (!controller.signal.aborted) {
        try {
          await follow('/v1/admin/live', (event, data) => {
            if (event === 'cluster') setState((s) => ({ cluster: data, history: [...s.history, data].slice(-HISTORY), connected: true }));
          }, controller.signal);
        } catch { /* dropped or refused: shown as disconnected, tried again below */ }
        setState((s) => ({ ...s, connected: false }));
        await new Promise((resolve) => setTimeout(resolve, 3_000));
      }
    };
    run();
    return () => controller.abort();
  }, []);
  return state;
}
