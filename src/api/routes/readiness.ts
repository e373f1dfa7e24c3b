/**
 * `GET /v1/health/ready`: whether this API process can serve right now,
 * for a load balancer or an orchestrator to route around it while
 * PostgreSQL or Redis does not answer. `/v1/health` stays a liveness
 * answer (the process is up: restarting it would not help), this one asks
 * both servers, each for at most {@link PROBE_TIMEOUT_MS}.
 */
import { Router } from 'express';
import { z } from 'zod';
import { DependencyUnavailableError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { mountRoute } from '../openapi/mount-route.ts';
import { errorResponse } from '../openapi/standard-errors.ts';

/** A server slower than this to answer `select 1` or `PING` counts as unavailable. */
const PROBE_TIMEOUT_MS = 1_000;

const readySchema = z.object({
  status: z.literal('ready'),
  databaseMs: z.number().int().nonnegative().describe('How long PostgreSQL took to answer `select 1`'),
  redisMs: z.number().int().nonnegative().describe('How long Redis took to answer `PING`'),
});

/** ms `probe` took; throws `dependency_unavailable` naming `what` when it failed or took too long. */
async function timed(what: string, probe: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), PROBE_TIMEOUT_MS);
  });
  try {
    if (await Promise.race([probe(), late]) === 'late') {
      throw new DependencyUnavailableError({ dependency: what, reason: `no answer within ${PROBE_TIMEOUT_MS} ms` });
    }
  } catch (err) {
    if (err instanceof DependencyUnavailableError) throw err;
    // The driver's words name hosts and ports: the log has them, an anonymous caller does not need them.
    throw new DependencyUnavailableError({ dependency: what, reason: 'the connection failed' }, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  return Math.round(performance.now() - started);
}

export function readinessRouter(ctx: ApiContext): Router {
  const router = Router();
  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/health/ready', summary: 'Whether this process can serve now: PostgreSQL and Redis both answer', tags: ['meta'], auth: 'none',
    responses: {
      200: { description: 'Both answered', schema: readySchema },
      503: errorResponse('`dependency_unavailable`: PostgreSQL or Redis did not answer (the message names which); `Retry-After` says when to ask again'),
    },
  }, async (_req, res) => {
    const [databaseMs, redisMs] = await Promise.all([
      timed('PostgreSQL', () => ctx.orm.em.getConnection().execute('select 1')),
      timed('Redis', () => ctx.redis.ping()),
    ]);
    res.json({ status: 'ready', databaseMs, redisMs });
  });
  return router;
}
