/**
 * `/v1/telegram-accounts`: the user's Telegram user accounts. Linking one is
 * a login (`POST`, then its steps) served by telegram-login.ts; here are
 * listing, pausing, resuming and unlinking, which work as for Discord bots.
 * Unlinking an account whose login is in progress also ends that login.
 */
import { Router } from 'express';
import { z } from 'zod';
import { TelegramAccount } from '../../db/entities/telegram-account.ts';
import type { ApiContext } from '../api-context.ts';
import { findOwnAccount, setAccountStatus, unlinkAccount } from '../accounts/account-lifecycle.ts';
import { authOf } from '../auth/authenticate.ts';
import { parseBody, parseParams } from '../http/validate.ts';
import { errorResponse } from '../openapi/standard-errors.ts';
import {
  accountDeletedSchema, accountPatchSchema, telegramAccountSchema, telegramAccountView,
} from '../schemas/account-schemas.ts';
import { idParamsSchema } from '../schemas/common-schemas.ts';
import { dropLoginState } from '../telegram-login/login-store.ts';
import type { Guards } from './guards.ts';
import { mountRoute } from '../openapi/mount-route.ts';

const TAGS = ['linked accounts'];
const notFound = errorResponse('`linked_account_not_found`: no such account among yours');

export function telegramAccountsRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/telegram-accounts', summary: 'Your linked Telegram accounts', tags: TAGS, auth: 'user',
    responses: { 200: { description: 'Oldest first', schema: z.object({ items: z.array(telegramAccountSchema) }) } },
  }, ...guard.user('read'), async (req, res) => {
    const rows = await ctx.orm.em.fork().find(TelegramAccount, { user: authOf(req).userId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    res.json({ items: rows.map(telegramAccountView) });
  });

  mountRoute(router, ctx.doc, {
    method: 'get', path: '/v1/telegram-accounts/{id}', summary: 'One of your Telegram accounts', tags: TAGS, auth: 'user',
    params: idParamsSchema,
    responses: { 200: { description: 'The account', schema: telegramAccountSchema }, 404: notFound },
  }, ...guard.user('read'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    res.json(telegramAccountView(await findOwnAccount(ctx.orm.em.fork(), 'telegram', authOf(req).userId, id)));
  });

  mountRoute(router, ctx.doc, {
    method: 'patch', path: '/v1/telegram-accounts/{id}', summary: 'Pause or resume a Telegram account', tags: TAGS, auth: 'user',
    params: idParamsSchema, body: accountPatchSchema,
    responses: {
      200: { description: 'The account as it is now', schema: telegramAccountSchema },
      402: errorResponse('`quota_exceeded` or `feature_not_in_plan`: resuming would run more accounts than the plan allows'),
      404: notFound,
      409: errorResponse('`account_state_conflict`: only active and paused accounts can be paused or resumed'),
    },
  }, ...guard.user('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const { status } = parseBody(accountPatchSchema, req);
    const { userId } = authOf(req);
    await setAccountStatus(ctx, 'telegram', userId, id, status);
    res.json(telegramAccountView(await findOwnAccount(ctx.orm.em.fork(), 'telegram', userId, id)));
  });

  mountRoute(router, ctx.doc, {
    method: 'delete', path: '/v1/telegram-accounts/{id}', summary: 'Unlink a Telegram account (and delete the pairs using it)', tags: TAGS, auth: 'user',
    params: idParamsSchema,
    responses: { 200: { description: 'Unlinked', schema: accountDeletedSchema }, 404: notFound },
  }, ...guard.user('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const deletedPairIds = await unlinkAccount(ctx, 'telegram', authOf(req).userId, id);
    // A login still in progress must not be finishable for a row that is gone (finishing re-checks the row too).
    await dropLoginState(ctx, id).catch((err: unknown) => ctx.logger.warn({ err, accountId: id }, 'Telegram login state not removed; it expires'));
    res.json({ id, deletedPairIds });
  });

  return router;
}
