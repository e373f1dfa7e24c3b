/**
 * `/v1/api-keys`: programmatic access for plans that include it (Elite).
 * A key is shown once at creation; listings show its prefix. Managing keys
 * needs a signed-in session: a key cannot mint or revoke keys.
 */
import { Router } from 'express';
import { z } from 'zod';
import { ApiKey, type IApiKey } from '../../db/entities/api-key.ts';
import { assertPlanAllows } from '../../domain/plans/plan-rules.ts';
import { ApiKeyNotFoundError, QuotaExceededError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { apiKeyPepper } from '../auth/api-key-auth.ts';
import { generateApiKey } from '../auth/api-key-codec.ts';
import { audit } from '../auth/audit.ts';
import { API_KEY_SCOPES, authenticate, authOf, requireSession } from '../auth/authenticate.ts';
import { requestPlan } from '../auth/user-plan.ts';
import { clientInfo } from '../http/client-info.ts';
import { parseBody, parseParams } from '../http/validate.ts';
import { errorResponse } from '../openapi/standard-errors.ts';
import { mountRoute } from '../openapi/mount-route.ts';
import { rateLimitByPlan } from '../rate-limit/plan-rate-limit.ts';

/** Live keys one user may hold at once. */
export const MAX_ACTIVE_API_KEYS = 20;

const createBody = z.object({
  name: z.string().trim().min(1, { error: 'Name is required' }).max(100, { error: 'Name must be at most 100 characters' }),
  scopes: z.array(z.enum(API_KEY_SCOPES, { error: `Scopes are ${API_KEY_SCOPES.join(', ')}` }))
    .min(1, { error: 'Give at least one scope' })
    .refine((s) => new Set(s).size === s.length, { error: 'Scopes must not repeat' }),
  expiresInDays: z.number().int({ error: 'expiresInDays must be a whole number' })
    .min(1, { error: 'expiresInDays must be 1 to 365' }).max(365, { error: 'expiresInDays must be 1 to 365' })
    .nullable().optional().describe('Omit or null for a key that never expires'),
});
const keyParams = z.object({ id: z.uuid({ error: 'Must be an API key id' }) });

const apiKeySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it'),
  scopes: z.array(z.string()),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

function view(k: IApiKey) {
  return {
    id: k.id, name: k.name, prefix: k.prefix, scopes: [...k.scopes],
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    createdAt: k.createdAt.toISOString(),
  };
}

export function apiKeysRouter(ctx: ApiContext): Router {
  const router = Router();
  const tags = ['api-keys'];
  const signedIn = [authenticate(ctx), requireSession(), rateLimitByPlan(ctx)];

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/api-keys', summary: 'Create an API key (shown once)', tags, auth: 'user',
    body: createBody,
    example: { name: 'deploy bot', scopes: ['read', 'write'], expiresInDays: 90 },
    responses: {
      201: { description: 'Created; `key` is never shown again', schema: z.object({ apiKey: apiKeySchema, key: z.string() }) },
      402: errorResponse('`feature_not_in_plan` (API keys need Elite) or `quota_exceeded`'),
    },
  }, ...signedIn, async (req, res) => {
    const auth = authOf(req);
    const body = parseBody(createBody, req);
    const plan = await requestPlan(ctx, req);
    const em = ctx.orm.em.fork();
    const usage = { status: 'active' as const, role: auth.role, sessions: 0, telegramAccounts: 0, discordAccounts: 0, pairs: 0, activePairs: 0, messagesThisPeriod: 0, commandsThisPeriod: 0, apiCallsThisPeriod: 0 };
    assertPlanAllows(plan, usage, { kind: 'use_feature', feature: 'apiKeys' });
    const now = ctx.now();
    const live = await em.count(ApiKey, { user: auth.userId, revokedAt: null, $or: [{ expiresAt: null }, { expiresAt: { $gt: new Date(now) } }] });
    if (live >= MAX_ACTIVE_API_KEYS) {
      throw new QuotaExceededError({ resource: 'api_keys', current: live, limit: MAX_ACTIVE_API_KEYS, plan: plan.name });
    }
    const generated = generateApiKey(apiKeyPepper(ctx));
    const row = em.create(ApiKey, {
      user: auth.userId,
      name: body.name,
      prefix: generated.prefix,
      keyHash: generated.hash,
      scopes: body.scopes,
      expiresAt: body.expiresInDays == null ? null : new Date(now + body.expiresInDays * 86_400_000),
    });
    await em.flush();
    await audit(em, {
      action: 'api_key.created', actorUserId: auth.userId, targetType: 'api_key', targetId: row.id, ip: clientInfo(req).ip,
      after: { name: row.name, prefix: row.prefix, scopes: body.scopes, expiresAt: row.expiresAt?.toISOString() ?? null },
    });
    res.status(201).json({ apiKey: view(row), key: generated.key });
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/api-keys', summary: 'List your API keys, newest first (never the keys themselves)', tags, auth: 'user',
    responses: { 200: { description: 'Keys, revoked and expired ones included', schema: z.object({ apiKeys: z.array(apiKeySchema) }) } },
  }, ...signedIn, async (req, res) => {
    const rows = await ctx.orm.em.fork().find(ApiKey, { user: authOf(req).userId }, { orderBy: { createdAt: 'desc' } });
    res.json({ apiKeys: rows.map(view) });
  });

  mountRoute(router, ctx.doc, {
    method: 'delete', path: '/v1/api-keys/{id}', summary: 'Revoke an API key', tags, auth: 'user',
    params: keyParams,
    responses: {
      204: { description: 'Revoked (or already was)' },
      404: errorResponse('`api_key_not_found`'),
    },
  }, ...signedIn, async (req, res) => {
    const auth = authOf(req);
    const { id } = parseParams(keyParams, req);
    const em = ctx.orm.em.fork();
    const row = await em.findOne(ApiKey, { id, user: auth.userId });
    if (row === null) throw new ApiKeyNotFoundError({ apiKeyId: id });
    if (row.revokedAt == null) {
      row.revokedAt = new Date(ctx.now());
      await em.flush();
      await audit(em, {
        action: 'api_key.revoked', actorUserId: auth.userId, targetType: 'api_key', targetId: row.id, ip: clientInfo(req).ip,
        after: { prefix: row.prefix },
      });
    }
    res.status(204).end();
  });

  return router;
}
