/**
 * The dashboard at `/`: static files from `web/` (Preact with htm, no build
 * step) and the vendor modules they import (Preact, uPlot for charts),
 * served by the API itself so there is no second server. Its own
 * Content-Security-Policy: scripts, styles and requests from this origin
 * only, nothing inline. The pages use the same API as every client, so the
 * role guards hold on the server whatever the page shows.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type Response } from 'express';

const WEB = fileURLToPath(new URL('../../../web/', import.meta.url));

export const DASHBOARD_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
  "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const TYPES: Record<string, string> = { js: JS, css: CSS };
const require = createRequire(import.meta.url);
const UPLOT = dirname(require.resolve('uplot'));

/** Every file the dashboard serves, read once at start. */
const FILES = new Map<string, { type: string; body: Buffer }>([
  ...readdirSync(WEB).flatMap((name) => {
    const type = TYPES[name.split('.').pop() ?? ''];
    return type === undefined ? [] : [[name, { type, body: readFileSync(`${WEB}${name}`) }] as const];
  }),
  ['vendor/preact-standalone.mjs', { type: JS, body: readFileSync(join(dirname(require.resolve('htm')), '..', 'preact', 'standalone.mjs')) }],
  ['vendor/uplot.mjs', { type: JS, body: readFileSync(join(UPLOT, 'uPlot.esm.js')) }],
  ['vendor/uplot.css', { type: CSS, body: readFileSync(join(UPLOT, 'uPlot.min.css')) }],
]);
const INDEX = readFileSync(`${WEB}index.html`);

/** Where the mailed links land (src/api/mail/auth-mails.ts) and the sign-up page: the app picks the page by path. */
export const DASHBOARD_PAGES = ['/', '/register', '/verify-email', '/forgot-password', '/reset-password'];

function send(res: Response, type: string, body: Buffer): void {
  // Revalidated each time: a deploy must not leave a browser on the old app.
  // no-referrer: a page opened from a mailed link carries its token in the address.
  res.set({ 'Content-Security-Policy': DASHBOARD_CSP, 'Referrer-Policy': 'no-referrer', 'Content-Type': type, 'Cache-Control': 'no-cache' }).send(body);
}

export function dashboardRouter(): Router {
  const router = Router();
  for (const page of DASHBOARD_PAGES) router.get(page, (_req, res) => send(res, 'text/html; charset=utf-8', INDEX));
  router.get(/^\/ui\/(.+)$/, (req, res, next) => {
    const file = FILES.get((req.params as Record<string, string>)[0] ?? '');
    if (file === undefined) {
      next();
      return;
    }
    send(res, file.type, file.body);
  });
  return router;
}
