/**
 * An API process' own /metrics: requests by route template and status, the
 * latency histogram, the process' figures; ids and unknown paths never become
 * labels.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createApp } from '../../../src/api/create-app.ts';
import { ApiDoc } from '../../../src/api/openapi/api-doc.ts';
import { startHttpServer, type HttpServer } from '../../../src/api/http-server.ts';
import { ApiRequestMetrics, apiMetricsPort } from '../../../src/api/http/request-metrics.ts';
import { startMetricsEndpoint, type MetricsEndpoint } from '../../../src/infra/metrics-endpoint.ts';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.ts';

describe('api: request metrics', function () {
  let h: ApiHarness;
  let http: HttpServer;
  let endpoint: MetricsEndpoint;

  before(async () => {
    h = await startApiHarness();
    const metrics = new ApiRequestMetrics();
    http = await startHttpServer(createApp({ health: { database: 'external', redis: 'external' }, ctx: { ...h.ctx, doc: new ApiDoc() }, metrics }), '127.0.0.1', 0);
    endpoint = await startMetricsEndpoint(metrics.registry, { port: 0 });
  });
  after(async () => {
    await endpoint?.close();
    await http?.close();
    await h?.close();
  });

  it('counts requests by method, route template and status, and times them', async () => {
    const u = await h.registerUser();
    const auth = { authorization: `Bearer ${u.accessToken}` };
    for (let i = 0; i < 3; i++) await (await fetch(`${http.url}v1/pairs/${randomUUID()}`, { headers: auth })).text();
    await (await fetch(`${http.url}v1/health`)).text();
    await (await fetch(`${http.url}wp-admin/${randomUUID()}`)).text();
    const body = await (await fetch(endpoint.url)).text();
    assert.match(body, /switchboard_api_requests_total\{method="GET",route="\/v1\/pairs\/:id",status="404"\} 3/);
    assert.match(body, /switchboard_api_requests_total\{method="GET",route="\/v1\/health",status="200"\} 1/);
    assert.match(body, /switchboard_api_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    assert.match(body, /switchboard_api_request_duration_seconds_count\{method="GET",route="\/v1\/pairs\/:id"\} 3/);
    assert.match(body, /switchboard_api_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/v1\/health"\} 1/);
    assert.match(body, /process_resident_memory_bytes \d+/);
    assert.doesNotMatch(body, /wp-admin|[0-9a-f]{8}-[0-9a-f]{4}-/, 'no raw path or id in a label');
    assert.equal((await fetch(endpoint.healthUrl)).status, 404, 'the API process has no /health here (it has /v1/health)');
  });

  it('gives each pm2 cluster instance its own port', () => {
    assert.equal(apiMetricsPort(9465, {}), 9465);
    assert.equal(apiMetricsPort(9465, { NODE_APP_INSTANCE: '3' }), 9468);
    assert.equal(apiMetricsPort(0, { NODE_APP_INSTANCE: '3' }), 0, 'off stays off');
    assert.equal(apiMetricsPort(9465, { NODE_APP_INSTANCE: 'x' }), 9465);
  });
});
