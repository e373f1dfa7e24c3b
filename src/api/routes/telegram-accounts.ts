/**
 * `/v1/telegram-accounts`: Telegram user accounts. `POST` records the phone
 * number as a `pending_code` account once the plan allows it; the login steps
 * (the code Telegram sends, then the 2FA password) arrive with the Telegram
 * adapter, so until then an account stays pending and runs nothing. Pausing,
 * resuming and unlinking work as for Discord bots.
 */
import { Router } from 'express';
import { z } from 'zod';
import { TelegramAccount } from '../../db/entities/telegram-account.ts';
import { assertPlanAllows } from '../../domain/plans/plan-rules.ts';
import { AccountAlreadyLinkedError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { findOwnAccount, setAccountStatus, unlinkAccount } from '../accounts/account-lifecycle.ts';
import { ownerStanding } from '../accounts/owner-standing.ts';
import { authOf } from '../auth/authenticate.ts';
import { parseBody, parseParams } from '../http/validate.ts';
import { errorResponse } from '../openapi/standard-errors.ts';
import {
  accountDeletedSchema, accountPatchSchema, telegramAccountSchema, telegramAccountView,
} from '../schemas/account-schemas.ts';
import { idParamsSchema } from '../schemas/common-schemas.ts';
import { tellRuntime } from '../tell-runtime.ts';
import type { Guards } from './guards.ts';
import { mountRoute } from '../openapi/mount-route.ts';

const createSchema = z.strictObject({
  phone: z.string().regex(/^\+[1-9][0-9]{6,14}$/, { error: 'Must be an E.164 phone number, e.g. +15551234567' }),
});

/** What the client is told about the login that has yet to happen. */
const LOGIN_PENDING = {
  next: 'code' as const,
  available: false,
  message: 'The login steps (the code Telegram sends, then the 2FA password if set) come with the Telegram adapter; '
    + 'until then the account stays pending_code and nothing runs for it.',
};

const createdSchema = telegramAccountSchema.extend({
  login: z.object({
    next: z.literal('code').describe('The step the login waits for'),
    available: z.boolean().describe('Whether this server can carry out that step yet'),
    message: z.string(),
  }),
});

const TAGS = ['linked accounts'];
const notFound = errorResponse('`linked_account_not_found`: no such account among yours');

export function telegramAccountsRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/telegram-accounts', summary: 'Start linking a Telegram account by phone number', tags: TAGS, auth: 'user',
    body: createSchema,
    responses: {
      201: { description: 'Recorded as `pending_code`; see `login`', schema: createdSchema },
      402: errorResponse('`quota_exceeded` (sessions, telegram_accounts) or `feature_not_in_plan` (multi_account)'),
      409: errorResponse('`account_already_linked`: this number is linked already'),
    },
  }, ...guard.user('write'), async (req, res) => {
    const { userId } = authOf(req);
    const { phone } = parseBody(createSchema, req);
    const account = await ctx.orm.em.fork().transactional(async (em) => {
      const { plan, snapshot } = await ownerStanding(ctx, em, userId);
      assertPlanAllows(plan, snapshot, { kind: 'link_account', platform: 'telegram' });
      const existing = await em.findOne(TelegramAccount, { user: userId, phone });
      if (existing !== null) throw new AccountAlreadyLinkedError({ platform: 'telegram', accountId: existing.id });
      const created = em.create(TelegramAccount, { user: userId, phone, status: 'pending_code' });
      await em.flush();
      return created;
    });
    await tellRuntime(ctx, [{ kind: 'telegram_account', id: account.id, userId, action: 'upsert' }]);
    res.status(201).json({ ...telegramAccountView(account), login: LOGIN_PENDING });
  });

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
    res.json({ id, deletedPairIds: await unlinkAccount(ctx, 'telegram', authOf(req).userId, id) });
  });

  return router;
}
