/**
 * `GET /v1/admin/live`: the cluster as the admin dashboard shows it, pushed
 * as server-sent events instead of polled: workers, sessions and the queue
 * per tier from the supervisors' status snapshots, one `cluster` event at
 * once and then every `intervalMs`. Read from Redis like the other runtime
 * routes, so any API process can serve it.
 */
import { Router } from 'express';
import { z } from 'zod';
import { readSnapshots } from '../../../cluster/admin-channel.ts';
import { listQueues } from '../../../cli/format/queue-view.ts';
import { listSessions } from '../../../cli/format/sessions-view.ts';
import { listWorkers } from '../../../cli/format/workers-view.ts';
import type { ApiContext } from '../../api-context.ts';
import { markLongLived } from '../../http-server.ts';
import { parseQuery } from '../../http/validate.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import type { Guards } from '../guards.ts';

/** Default time between two `cluster` events, ms. */
export const LIVE_INTERVAL_MS = 2_000;

const liveQuery = z.object({
  intervalMs: z.coerce.number().int().min(500).max(60_000).default(LIVE_INTERVAL_MS)
    .describe(`Time between two events, 500..60000 ms; default ${LIVE_INTERVAL_MS}`),
});

const clusterEventSchema = z.object({
  at: z.number().describe('When the figures were read, ms since epoch'),
  supervisors: z.array(z.looseObject({
    supervisorId: z.string(), hostname: z.string(),
    host: z.looseObject({ usedFraction: z.number() }).describe('Host RAM: total, available, share in use'),
    pressure: z.looseObject({ highWatermark: z.number(), lowWatermark: z.number(), pauseElite: z.boolean() }),
    ownership: z.looseObject({
      capacity: z.number(), owned: z.looseObject({ users: z.number(), accounts: z.number() }), running: z.looseObject({ users: z.number(), accounts: z.number() }),
      members: z.array(z.looseObject({ supervisorId: z.string(), capacity: z.number() })),
    }).nullable().describe('Its share of the accounts: its capacity, the users and accounts it owns and of those runs, the live members it sees; null when it shares none'),
  })).describe('Supervisors publishing a snapshot'),
  workers: z.array(z.looseObject({ workerId: z.string() })),
  sessions: z.array(z.looseObject({ actorId: z.string() })),
  queues: z.array(z.looseObject({ supervisorId: z.string(), tier: z.string() })),
});

export function adminLiveRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();
  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/admin/live', summary: 'Workers, sessions and queues as server-sent events (`event: cluster`)', tags: ['admin: runtime'], auth: 'admin',
    query: liveQuery,
    responses: { 200: { description: 'An event stream; each event\'s data is one JSON object', mediaType: 'text/event-stream', schema: clusterEventSchema } },
  }, ...guard.admin('read'), (req, res) => {
    const { intervalMs } = parseQuery(liveQuery, req);
    markLongLived(res);
    // Connection: close, so the socket goes with the stream when a shutdown ends it.
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no', Connection: 'close' });
    let closed = false;
    const push = async () => {
      try {
        const snapshots = await readSnapshots(ctx.redis);
        if (closed) return;
        const supervisors = snapshots.map(({ supervisorId, hostname, host, pressure, ownership }) => ({ supervisorId, hostname, host, pressure, ownership: ownership ?? null }))
          .sort((a, b) => a.supervisorId.localeCompare(b.supervisorId));
        const data = { at: ctx.now(), supervisors, workers: listWorkers(snapshots), sessions: listSessions(snapshots), queues: listQueues(snapshots) };
        res.write(`event: cluster\ndata: ${JSON.stringify(data)}\n\n`);
      } catch (err) {
        // Redis unreachable for a moment: say so on the stream and keep it open; the next tick tries again.
        if (!closed) res.write(`event: unavailable\ndata: ${JSON.stringify({ message: (err as Error).message })}\n\n`);
      }
    };
    const timer = setInterval(() => { void push(); }, intervalMs);
    res.on('close', () => {
      closed = true;
      clearInterval(timer);
    });
    void push();
  });
  return router;
}
