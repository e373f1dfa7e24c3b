/**
 * `GET /docs`: the OpenAPI document rendered by Swagger UI, served from the
 * `swagger-ui-dist` package (no CDN: the service may run on a closed
 * network). Its own page, stylesheet, bundle and a small start script, so
 * the Content-Security-Policy stays strict: scripts from this origin only,
 * no inline script, requests to this origin only. Inline styles are allowed
 * here alone because Swagger UI sets style attributes as it renders.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router, type Response } from 'express';

const DIST = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

export const DOCS_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
  "font-src 'self' data:", "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<main id="swagger-ui"></main>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
`;

// Relative to the page, so it works behind a proxy that mounts the service under a path.
const START = `window.ui = SwaggerUIBundle({ url: '../v1/openapi.json', dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: false });\n`;

/** The two files taken from the package, read once. */
const ASSETS = new Map<string, { type: string; body: Buffer }>([
  ['swagger-ui.css', { type: 'text/css; charset=utf-8', body: readFileSync(join(DIST, 'swagger-ui.css')) }],
  ['swagger-ui-bundle.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(join(DIST, 'swagger-ui-bundle.js')) }],
  ['start.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(START) }],
]);

function send(res: Response, type: string, body: string | Buffer, cache: string): void {
  res.set({ 'Content-Security-Policy': DOCS_CSP, 'Content-Type': type, 'Cache-Control': cache }).send(body);
}

export function docsRouter(): Router {
  const router = Router();
  router.get('/docs', (_req, res) => send(res, 'text/html; charset=utf-8', PAGE, 'no-cache'));
  router.get('/docs/:asset', (req, res, next) => {
    const asset = ASSETS.get(req.params.asset);
    if (asset === undefined) {
      next();
      return;
    }
    // Versioned by the package: a day's caching is safe and spares the 1.5 MB bundle on every visit.
    send(res, asset.type, asset.body, 'public, max-age=86400');
  });
  return router;
}
