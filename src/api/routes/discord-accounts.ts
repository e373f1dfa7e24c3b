/**
 * `/v1/discord-accounts`: Discord bots a user links by token. The token is
 * checked with Discord (DISCORD_API_URL) before anything is stored, sealed
 * with SECRET_KEYS bound to its row, and never returned. Linking is judged
 * by the plan (sessions, Discord accounts); pausing stops the bot's actor.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { validateDiscordToken } from '../accounts/discord-token-check.ts';
import { columnContext, sealSecret } from '../../crypto/secret-box.ts';
import { DiscordAccount } from '../../db/entities/discord-account.ts';
import { assertPlanAllows } from '../../domain/plans/plan-rules.ts';
import { AccountAlreadyLinkedError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { findOwnAccount, setAccountStatus, unlinkAccount } from '../accounts/account-lifecycle.ts';
import { ownerStanding } from '../accounts/owner-standing.ts';
import { authOf } from '../auth/authenticate.ts';
import { parseBody, parseParams } from '../http/validate.ts';
import { errorResponse } from '../openapi/standard-errors.ts';
import {
  accountDeletedSchema, accountPatchSchema, discordAccountSchema, discordAccountView,
} from '../schemas/account-schemas.ts';
import { idParamsSchema } from '../schemas/common-schemas.ts';
import { tellRuntime } from '../tell-runtime.ts';
import type { Guards } from './guards.ts';
import { mountRoute } from '../openapi/mount-route.ts';

const linkSchema = z.strictObject({
  // Refused before Discord is called: the token travels in an HTTP header, which takes printable ASCII only.
  token: z.string().trim().min(1).max(512).regex(/^[\x21-\x7e]+$/u, { error: 'token must be printable ASCII without spaces, as Discord issues it' }).describe('The bot token from the Discord developer portal; stored sealed, never shown again'),
});

const TAGS = ['linked accounts'];
const notFound = errorResponse('`linked_account_not_found`: no such account among yours');

export function discordAccountsRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/discord-accounts', summary: 'Link a Discord bot by its token', tags: TAGS, auth: 'user',
    body: linkSchema,
    example: { token: 'MTA5ODc2NTQzMjEwOTg3NjU0.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB' },
    responses: {
      201: { description: 'Linked; its actor starts', schema: discordAccountSchema },
      402: errorResponse('`quota_exceeded` (sessions, discord_accounts) or `feature_not_in_plan`'),
      409: errorResponse('`account_already_linked`: this bot is linked already'),
      400: errorResponse('`validation_failed` or `discord_token_invalid`: Discord refused the token'),
    },
  }, ...guard.user('write'), async (req, res) => {
    const { userId } = authOf(req);
    const { token } = parseBody(linkSchema, req);
    // Quota first, without a lock: no point asking Discord for a bot the plan refuses anyway.
    const pre = await ownerStanding(ctx, ctx.orm.em.fork(), userId, false);
    assertPlanAllows(pre.plan, pre.snapshot, { kind: 'link_account', platform: 'discord' });
    const bot = await validateDiscordToken(token, { apiUrl: ctx.config.DISCORD_API_URL });
    const account = await ctx.orm.em.fork().transactional(async (em) => {
      const { plan, snapshot } = await ownerStanding(ctx, em, userId);
      assertPlanAllows(plan, snapshot, { kind: 'link_account', platform: 'discord' });
      const existing = await em.findOne(DiscordAccount, { user: userId, botUserId: bot.botUserId });
      if (existing !== null) throw new AccountAlreadyLinkedError({ platform: 'discord', accountId: existing.id });
      const id = randomUUID();
      const created = em.create(DiscordAccount, {
        id,
        user: userId,
        botUserId: bot.botUserId,
        botUsername: bot.username,
        tokenCiphertext: sealSecret(ctx.keyring, token, columnContext('discord_accounts', 'token_ciphertext', id)),
        servers: bot.servers.map((s) => ({ id: s.id, name: s.name })),
        status: 'active',
      });
      await em.flush();
      return created;
    });
    await tellRuntime(ctx, [{ kind: 'discord_account', id: account.id, userId, action: 'upsert' }]);
    res.status(201).json(discordAccountView(account));
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/discord-accounts', summary: 'Your linked Discord bots', tags: TAGS, auth: 'user',
    responses: { 200: { description: 'Oldest first', schema: z.object({ items: z.array(discordAccountSchema) }) } },
  }, ...guard.user('read'), async (req, res) => {
    const rows = await ctx.orm.em.fork().find(DiscordAccount, { user: authOf(req).userId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    res.json({ items: rows.map(discordAccountView) });
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/discord-accounts/{id}', summary: 'One of your Discord bots', tags: TAGS, auth: 'user',
    params: idParamsSchema,
    responses: { 200: { description: 'The account', schema: discordAccountSchema }, 404: notFound },
  }, ...guard.user('read'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const account = await findOwnAccount(ctx.orm.em.fork(), 'discord', authOf(req).userId, id);
    res.json(discordAccountView(account));
  });

  mountRoute(router, ctx.doc, {
    method: 'patch', path: '/v1/discord-accounts/{id}', summary: 'Pause or resume a Discord bot', tags: TAGS, auth: 'user',
    params: idParamsSchema, body: accountPatchSchema,
    responses: {
      200: { description: 'The account as it is now', schema: discordAccountSchema },
      402: errorResponse('`quota_exceeded`: resuming would run more accounts than the plan allows'),
      404: notFound,
      409: errorResponse('`account_state_conflict`: revoked or failed accounts cannot be resumed; link them again'),
    },
  }, ...guard.user('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const { status } = parseBody(accountPatchSchema, req);
    const { userId } = authOf(req);
    await setAccountStatus(ctx, 'discord', userId, id, status);
    const account = await findOwnAccount(ctx.orm.em.fork(), 'discord', userId, id);
    res.json(discordAccountView(account));
  });

  mountRoute(router, ctx.doc, {
    method: 'delete', path: '/v1/discord-accounts/{id}', summary: 'Unlink a Discord bot (and delete the pairs using it)', tags: TAGS, auth: 'user',
    params: idParamsSchema,
    responses: { 200: { description: 'Unlinked', schema: accountDeletedSchema }, 404: notFound },
  }, ...guard.user('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const deletedPairIds = await unlinkAccount(ctx, 'discord', authOf(req).userId, id);
    res.json({ id, deletedPairIds });
  });

  return router;
}
