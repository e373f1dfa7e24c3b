/** `GET /v1/openapi.json`: the document the routers built (see openapi/api-doc.ts). */
import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../api-context.ts';
import { healthBodySchema } from './health-doc.ts';

export function openApiRouter(ctx: ApiContext): Router {
  ctx.doc.route({
    method: 'get',
    path: '/v1/openapi.json',
    summary: 'This API described in OpenAPI 3.1',
    tags: ['meta'],
    auth: 'none',
    responses: { 200: { description: 'The OpenAPI document', schema: z.looseObject({ openapi: z.string() }) } },
  });
  ctx.doc.route({
    method: 'get',
    path: '/v1/health',
    summary: 'Whether the process is up, and where its storage comes from',
    tags: ['meta'],
    auth: 'none',
    responses: { 200: { description: 'Up', schema: healthBodySchema } },
  });
  const router = Router();
  router.get('/v1/openapi.json', (_req, res) => {
    res.json(ctx.doc.document());
  });
  return router;
}
