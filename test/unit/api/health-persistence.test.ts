import assert from 'node:assert/strict';
import { createApp } from '../../../src/api/create-app.ts';
import { ApiRequestMetrics } from '../../../src/api/http/request-metrics.ts';
import { healthBodySchema } from '../../../src/api/routes/health-doc.ts';
import { startHttpServer, type HttpServer } from '../../../src/api/http-server.ts';
import type { RedisPersistenceReport } from '../../../src/infra/redis-persistence-check.ts';

describe('the API shows the Redis persistence check', () => {
  let server: HttpServer;
  let report: RedisPersistenceReport = { status: 'unsafe', problems: ['Redis runs with appendonly no: …'] };
  const metrics = new ApiRequestMetrics(() => report);

  before(async () => {
    server = await startHttpServer(createApp({ health: { database: 'external', redis: 'external', redisPersistence: () => report }, metrics }), '127.0.0.1', 0);
  });
  after(async () => { await server.close(); });

  it('on GET /v1/health, still 200 (the API serves, at a risk), as documented', async () => {
    const res = await fetch(`${server.url}v1/health`);
    assert.equal(res.status, 200);
    const body = await res.json() as { redisPersistence: RedisPersistenceReport };
    assert.deepEqual(body.redisPersistence, report);
    assert.ok(healthBodySchema.safeParse(body).success);
    report = { status: 'safe', problems: [] };
    assert.deepEqual((await (await fetch(`${server.url}v1/health`)).json() as { redisPersistence: RedisPersistenceReport }).redisPersistence, report, 'read at each answer');
  });

  it('as switchboard_redis_persistence, 1 on the current status', async () => {
    report = { status: 'unknown', problems: ['Redis persistence could not be checked (…)'] };
    const text = await metrics.registry.metrics();
    assert.match(text, /switchboard_redis_persistence\{status="unknown"\} 1/);
    assert.match(text, /switchboard_redis_persistence\{status="safe"\} 0/);
  });
});
