import assert from 'node:assert/strict';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';
import { OpenApiValidator } from '../../helpers/openapi-validator.ts';

describe('api: OpenAPI document and HTTP basics', function () {
  let h: ApiHarness;

  before(async () => {
    h = await startApiHarness();
  });
  after(async () => {
    await h?.close();
  });

  it('serves an OpenAPI 3.1 document with the shared Error schema, the security schemes and every auth route', async () => {
    const res = await h.request('get', '/v1/openapi.json');
    assert.equal(res.status, 200);
    const doc = res.body;
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.components.schemas.Error);
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['apiKeyHeader', 'bearerAuth']);
    for (const path of ['/v1/auth/register', '/v1/auth/login', '/v1/auth/login/totp', '/v1/auth/refresh', '/v1/auth/logout',
      '/v1/auth/logout-all', '/v1/auth/password/change', '/v1/auth/password/forgot', '/v1/auth/password/reset',
      '/v1/auth/totp/setup', '/v1/auth/totp/confirm', '/v1/auth/totp/disable', '/v1/auth/totp/recovery-codes',
      '/v1/auth/sessions', '/v1/auth/sessions/{id}', '/v1/auth/whoami', '/v1/api-keys', '/v1/api-keys/{id}', '/v1/health']) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    const whoami = doc.paths['/v1/auth/whoami'].get;
    assert.deepEqual(whoami.security, [{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    assert.deepEqual(doc.paths['/v1/auth/login'].post.security, []);
    assert.equal(whoami.responses['401'].content['application/json'].schema.$ref, '#/components/schemas/Error');
    assert.equal(doc.paths['/v1/auth/sessions/{id}'].delete.parameters[0].in, 'path');
  });

  it('names this deployment in servers, and every request example passes its own route\'s schema', async () => {
    const doc = (await h.request('get', '/v1/openapi.json')).body;
    assert.deepEqual(doc.servers, [{ url: h.ctx.config.PUBLIC_URL, description: 'This deployment (PUBLIC_URL)' }]);
    const withExamples = h.ctx.doc.routes().filter((r) => r.example !== undefined);
    assert.ok(withExamples.length >= 6, `${withExamples.length} routes with examples`);
    for (const route of withExamples) {
      const parsed = route.body!.safeParse(route.example);
      assert.ok(parsed.success, `${route.method} ${route.path}: ${JSON.stringify(parsed.error?.issues)}`);
      assert.deepEqual(doc.paths[route.path][route.method].requestBody.content['application/json'].example, route.example);
    }
  });

  it('renders the document at /docs with Swagger UI from the package, under a strict CSP', async () => {
    const page = await fetch(`${h.baseUrl}/docs`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline|https?:/);
    const html = await page.text();
    assert.doesNotMatch(html, /<script>|https?:\/\//, 'no inline script, nothing from another origin');
    for (const src of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      const asset = await fetch(`${h.baseUrl}${src[1]}`);
      assert.equal(asset.status, 200, src[1]);
      assert.ok((await asset.arrayBuffer()).byteLength > 10, src[1]);
    }
    assert.match(await (await fetch(`${h.baseUrl}/docs/start.js`)).text(), /openapi\.json/);
    for (const bad of ['constructor', '..%2Fpackage.json', 'index.html']) {
      assert.equal((await fetch(`${h.baseUrl}/docs/${bad}`)).status, 404, bad);
    }
  });

  it('the harness refuses undocumented statuses and bodies that break their schema', async () => {
    const validator = new OpenApiValidator((await h.request('get', '/v1/openapi.json')).body);
    assert.match(validator.check('get', '/v1/auth/whoami', 418, 'application/json', {}) ?? '', /status 418 is not described/);
    assert.match(validator.check('get', '/v1/auth/whoami', 200, 'application/json', { userId: 'x' }) ?? '', /does not match/);
    assert.match(validator.check('post', '/v1/health', 200, 'application/json', {}) ?? '', /status 200 is not described|no operation/);
    assert.equal(validator.check('get', '/v1/nowhere', 404, 'application/json', { error: { code: 'route_not_found', message: 'x' } }), null);
    assert.match(validator.check('delete', '/v1/api-keys/123', 204, null, { leaked: true }) ?? '', /describes no body/);
  });

  it('answers unknown routes with 404 route_not_found, and the health route as documented', async () => {
    const res = await h.request('get', '/v1/does-not-exist');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'route_not_found');
    assert.equal((await h.request('get', '/v1/health')).status, 200);
  });

  it('gives every answer a request id (keeping a sane given one) and protective headers', async () => {
    const res = await h.request('get', '/v1/health', { headers: { 'x-request-id': 'trace-123' } });
    assert.equal(res.headers['x-request-id'], 'trace-123');
    const odd = await h.request('get', '/v1/health', { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(odd.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['x-powered-by'], undefined);
  });
});
