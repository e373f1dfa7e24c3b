import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { z } from 'zod';
import { errorHandler, notFoundHandler } from '../../../src/api/http/error-handler.ts';
import { requestId } from '../../../src/api/http/request-id.ts';
import { parseQuery } from '../../../src/api/http/validate.ts';
import { startHttpServer, type HttpServer } from '../../../src/api/http-server.ts';
import { QuotaExceededError } from '../../../src/errors/registry.ts';

describe('api error handler', () => {
  let server: HttpServer;
  const logged: string[] = [];

  before(async () => {
    const logger = pino({ level: 'error' }, new Writable({ write(chunk: Buffer, _e, done) { logged.push(chunk.toString()); done(); } }));
    const app = express();
    app.use(requestId, express.json());
    app.get('/boom', () => {
      throw new Error('password=hunter2 at /srv/secret/path.ts');
    });
    app.get('/async-boom', async () => {
      await Promise.resolve();
      throw new TypeError('internal detail');
    });
    app.get('/quota', () => {
      throw new QuotaExceededError({ resource: 'pairs', current: 5, limit: 5, plan: 'free' });
    });
    // What pg, MikroORM and ioredis throw when their server is gone: a refused connect wrapped as MikroORM does, and ioredis giving up.
    app.get('/pg-down', () => {
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { name: 'DriverException', cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }) });
    });
    app.get('/redis-down', () => {
      throw Object.assign(new Error('Reached the max retries per request limit (which is 20).'), { name: 'MaxRetriesPerRequestError' });
    });
    app.get('/zod', () => {
      z.object({ n: z.number() }).parse({ n: 'x' });
    });
    app.get('/query', (req, res) => {
      res.json(parseQuery(z.object({ limit: z.coerce.number().int().max(100) }), req));
    });
    app.use(notFoundHandler);
    app.use(errorHandler(logger));
    server = await startHttpServer(app, '127.0.0.1', 0);
  });
  after(async () => {
    await server?.close();
  });

  async function get(path: string): Promise<{ status: number; body: { error: Record<string, unknown> } }> {
    const res = await fetch(`${server.url}${path.slice(1)}`);
    return { status: res.status, body: (await res.json()) as { error: Record<string, unknown> } };
  }

  it('answers anything unexpected with a bare 500 internal_error and logs it with the request id', async () => {
    for (const path of ['/boom', '/async-boom']) {
      const res = await get(path);
      assert.equal(res.status, 500);
      assert.deepEqual(res.body, { error: { message: 'Internal server error', code: 'internal_error' } });
    }
    assert.ok(logged.some((line) => line.includes('internal detail') && line.includes('reqId')));
  });

  it('answers PostgreSQL or Redis gone as 503 dependency_unavailable with Retry-After, naming no host', async () => {
    for (const path of ['/pg-down', '/redis-down']) {
      const res = await fetch(`${server.url}${path.slice(1)}`);
      assert.equal(res.status, 503, path);
      assert.equal(res.headers.get('retry-after'), '5');
      assert.deepEqual(await res.json(), {
        error: { code: 'dependency_unavailable', message: 'Storage is unavailable: a database server does not answer; try again in a few seconds', dependency: 'Storage', reason: 'a database server does not answer; try again in a few seconds' },
      });
    }
  });

  it('answers a SwitchboardError with its status, code and details', async () => {
    const res = await get('/quota');
    assert.equal(res.status, 402);
    assert.equal(res.body.error.code, 'quota_exceeded');
    assert.equal(res.body.error.limit, 5);
  });

  it('turns a zod error and a bad query into 400 validation_failed with paths', async () => {
    const zod = await get('/zod');
    assert.equal(zod.status, 400);
    assert.deepEqual((zod.body.error.details as Array<{ path: string }>).map((d) => d.path), ['n']);
    const query = await get('/query?limit=500');
    assert.equal(query.body.error.code, 'validation_failed');
    assert.equal((query.body.error.details as Array<{ path: string }>)[0]?.path, 'limit');
  });

  it('answers an unknown route with 404 route_not_found', async () => {
    const res = await get('/nope');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'route_not_found');
  });
});
