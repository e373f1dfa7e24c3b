/**
 * Linking a Telegram user account by logging it in: `POST
 * /v1/telegram-accounts` sends the code, `/code` signs in (or asks for the
 * 2FA password), `/password` finishes with SRP, `/resend` sends the code
 * again. Every answer carries the account and `login.next`, the step the
 * login waits for. The flow lives in ../telegram-login/; this file is HTTP.
 */
import { Router } from 'express';
import type { ApiContext } from '../api-context.ts';
import { authOf } from '../auth/authenticate.ts';
import { parseBody, parseParams } from '../http/validate.ts';
import { mountRoute } from '../openapi/mount-route.ts';
import { errorResponse } from '../openapi/standard-errors.ts';
import { idParamsSchema } from '../schemas/common-schemas.ts';
import { codeSchema, loginAnswer, loginAnswerSchema, passwordSchema, startLoginSchema } from '../schemas/telegram-login-schemas.ts';
import { submitCode, resendCode, submitPassword, type StepAnswer } from '../telegram-login/login-steps.ts';
import { loginView } from '../telegram-login/login-state.ts';
import { startLogin } from '../telegram-login/start-login.ts';
import type { Guards } from './guards.ts';

const TAGS = ['linked accounts'];

/** Answers every login route may give besides its own. */
const common = {
  402: errorResponse('`quota_exceeded` (sessions, telegram_accounts) or `feature_not_in_plan` (multi_account, or an API key whose plan lost API keys)'),
  403: errorResponse('`telegram_phone_banned`, or `account_inactive`, `forbidden_role`, `insufficient_scope`, `session_required`'),
  429: errorResponse('`telegram_flood_wait` (Telegram asks to wait) or `rate_limited`; `Retry-After` says when to retry'),
  503: errorResponse('`telegram_unreachable`: Telegram could not be reached or failed; try again shortly'),
};

const stepResponses = (extra400: string, description: string) => ({
  ...common,
  200: { description, schema: loginAnswerSchema },
  400: errorResponse(`\`validation_failed\`${extra400}, \`telegram_code_expired\` (the code or the whole login expired), \`telegram_phone_unregistered\` or \`telegram_refused\``),
  404: errorResponse('`linked_account_not_found`: no such account among yours'),
  409: errorResponse('`telegram_login_step`: the login waits for another step, is done, or is busy with another submission; or `telegram_unavailable`'),
});

function answer(res: { json(body: unknown): void }, step: StepAnswer): void {
  res.json(loginAnswer(step.account, loginView(step.state)));
}

export function telegramLoginRouter(ctx: ApiContext, guard: Guards): Router {
  const router = Router();

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/telegram-accounts', summary: 'Start linking a Telegram account: Telegram sends a login code', tags: TAGS, auth: 'user',
    body: startLoginSchema,
    example: { phone: '+15551234567' },
    responses: {
      ...common,
      201: { description: 'The code was sent; the account is `pending_code` until `login.expiresAt`', schema: loginAnswerSchema },
      400: errorResponse('`validation_failed`, `telegram_phone_invalid`, `telegram_phone_unregistered` or `telegram_refused`'),
      409: errorResponse('`account_already_linked`: this number is linked (or being linked) already; or `telegram_unavailable`: Telegram is not configured on this server'),
    },
  }, ...guard.user('write'), async (req, res) => {
    const { phone } = parseBody(startLoginSchema, req);
    const started = await startLogin(ctx, authOf(req).userId, phone);
    res.status(201).json(loginAnswer(started.account, loginView(started.state)));
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/telegram-accounts/{id}/code', summary: 'Send the login code Telegram sent', tags: TAGS, auth: 'user',
    params: idParamsSchema, body: codeSchema,
    responses: stepResponses(', `telegram_code_invalid`', 'Logged in (`login.next: done`, the account is active) or the account has 2FA (`login.next: password`)'),
  }, ...guard.user('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const { code } = parseBody(codeSchema, req);
    answer(res, await submitCode(ctx, authOf(req).userId, id, code));
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/telegram-accounts/{id}/password', summary: 'Send the two-step verification password', tags: TAGS, auth: 'user',
    params: idParamsSchema, body: passwordSchema,
    responses: stepResponses(', `telegram_password_invalid`', 'Logged in: `login.next` is `done` and the account is active'),
  }, ...guard.user('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    const { password } = parseBody(passwordSchema, req);
    answer(res, await submitPassword(ctx, authOf(req).userId, id, password));
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/telegram-accounts/{id}/resend', summary: 'Have Telegram send the login code again (maybe another way)', tags: TAGS, auth: 'user',
    params: idParamsSchema,
    responses: stepResponses('', 'A new code was sent; `login` says how, and the login\'s new expiry'),
  }, ...guard.user('write'), async (req, res) => {
    const { id } = parseParams(idParamsSchema, req);
    answer(res, await resendCode(ctx, authOf(req).userId, id));
  });

  return router;
}
