/**
 * `/v1/pairs`: forwarding pairs, "copy messages from this chat to that
 * chat", between the caller's own linked accounts. The rules behind each
 * answer are in pairs/pair-writes.ts; every write tells the runtime.
 */
import { Router } from 'express';
import { z } from 'zod';
import { ForwardingPair, PAIR_STATUSES } from '../../db/entities/forwarding-pair.ts';
import type { ApiContext } from '../api-context.ts';
import { authOf } from '../auth/authenticate.ts';
import { parseBody, parseParams, parseQuery } from '../http/validate.ts';
import { errorResponse } from '../openapi/standard-errors.ts';
import { previewRequestSchema, previewResponseSchema, runPreview } from '../pairs/pair-preview.ts';
import { createPair, deletePair, findOwnPair, updatePair } from '../pairs/pair-writes.ts';
import { idParamsSchema, pageOf, pageQuery } from '../schemas/common-schemas.ts';
import { pairCreateSchema, pairPatchSchema, pairSchema, pairView } from '../schemas/pair-schemas.ts';
import type { Guards } from './guards.ts';
import { mountRoute } from '../openapi/mount-route.ts';

const listQuerySchema = z.object({ status: z.enum(PAIR_STATUSES).optional(), ...pageQuery(200, 50) });

const TAGS = ['pairs'];
const notFound = errorResponse('`pair_not_found`: no such pair among yours');
const writeErrors = {
  402: errorResponse('`quota_exceeded` (pairs, active_pairs) or `feature_not_in_plan` (copy_mode, chain_forwarding, advanced_filters)'),
  404: errorResponse('`pair_not_found`, or `linked_account_not_found` (with `field`): an account that is not one of yours'),
  409: errorResponse('`pair_exists`: this source chat already forwards to this destination chat'),
};

export function pairsRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/pairs', summary: 'Create a forwarding pair', tags: TAGS, auth: 'user',
    body: pairCreateSchema,
    example: {
      name: 'announcements → team',
      source: { platform: 'telegram', accountId: '0b6f9c2e-6a3f-4c1e-9d3a-2f6f1f0f2a11', chatId: '-1001234567890' },
      destination: { platform: 'discord', accountId: '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f', chatId: '1098765432109876543' },
      delayMs: 0, silent: true, copyMode: false,
      filters: [{ kind: 'keyword', mode: 'include', words: ['release', 'deploy'] }],
    },
    responses: {
      201: { description: 'Created; the runtime starts forwarding', schema: pairSchema },
      400: errorResponse('`validation_failed` (with field paths), `filter_invalid` or `filter_regex_invalid` (with the filter\'s index and position); '
        + 'for a Discord end, as its bot reads the channel from Discord: `discord_channel_kind_unsupported` (a destination nobody can post to: category, voice, stage, directory; '
        + 'a source holding no messages), `discord_channel_unknown`, `discord_channel_forbidden` (with `field`)'),
      ...writeErrors,
    },
  }, ...guard.user('write'), async (req, res) => {
    const input = parseBody(pairCreateSchema, req);
    res.status(201).json(pairView(await createPair(ctx, authOf(req).userId, input)));
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/pairs', summary: 'Your forwarding pairs', tags: TAGS, auth: 'user',
    query: listQuerySchema,
    responses: { 200: { description: 'Oldest first', schema: pageOf(pairSchema) } },
  }, ...guard.user('read'), async (req, res) => {
    const { status, limit, offset } = parseQuery(listQuerySchema, req);
    const where = { user: authOf(req).userId, ...(status === undefined ? {} : { status }) };
    const [items, total] = await ctx.orm.em.fork().findAndCount(ForwardingPair, where, {
      orderBy: { createdAt: 'asc', id: 'asc' }, limit, offset,
    });
    res.json({ items: items.map(pairView), total, limit, offset });
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/pairs/{id}', summary: 'One of your pairs', tags: TAGS, auth: 'user',
    params: idParamsSchema,
    responses: { 200: { description: 'The pair', schema: pairSchema }, 404: notFound },
  }, ...guard.user('read'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    res.json(pairView(await findOwnPair(ctx.orm.em.fork(), authOf(req).userId, id)));
  });

  mountRoute(router, ctx.doc, {
    method: 'patch', path: '/v1/pairs/{id}', summary: 'Change a pair (any subset of its fields), pause or resume it', tags: TAGS, auth: 'user',
    params: idParamsSchema, body: pairPatchSchema,
    responses: {
      200: { description: 'The pair as it is now', schema: pairSchema },
      400: errorResponse('`validation_failed`, `filter_invalid` or `filter_regex_invalid`; for a Discord end the patch sets: '
        + '`discord_channel_kind_unsupported`, `discord_channel_unknown`, `discord_channel_forbidden`'),
      ...writeErrors,
    },
  }, ...guard.user('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const patch = parseBody(pairPatchSchema, req);
    res.json(pairView(await updatePair(ctx, authOf(req).userId, id, patch)));
  });

  mountRoute(router, ctx.doc, {
    method: 'delete', path: '/v1/pairs/{id}', summary: 'Delete a pair', tags: TAGS, auth: 'user',
    params: idParamsSchema,
    responses: { 204: { description: 'Deleted; the runtime stops forwarding' }, 404: notFound },
  }, ...guard.user('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    await deletePair(ctx, authOf(req).userId, id);
    res.status(204).end();
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/pairs/{id}/preview', summary: 'Dry-run a sample message through the pair\'s filters', tags: TAGS, auth: 'user',
    params: idParamsSchema, body: previewRequestSchema,
    responses: { 200: { description: 'What the message would become, or why it would be dropped; nothing is sent', schema: previewResponseSchema }, 404: notFound },
  }, ...guard.user('read'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const sample = parseBody(previewRequestSchema, req);
    const pair = await findOwnPair(ctx.orm.em.fork(), authOf(req).userId, id);
    res.json(runPreview(pair, sample, ctx.now()));
  });

  return router;
}
