/**
 * Changing a password (signed in, with the current one) and resetting a
 * forgotten one by mailed link. Both end the other sessions and every older
 * access token, and mail the owner a notice.
 */
import { Router } from 'express';
import { z } from 'zod';
import { User } from '../../../db/entities/user.ts';
import { ValidationFailedError } from '../../../errors/registry.ts';
import type { ApiContext } from '../../api-context.ts';
import { audit } from '../../auth/audit.ts';
import { authenticate, authOf, requireSession } from '../../auth/authenticate.ts';
import { consumeOneTimeToken, issueOneTimeToken, peekOneTimeToken } from '../../auth/one-time-tokens.ts';
import { passwordHasher } from '../../auth/password-hasher.ts';
import { passwordEqualsEmail, passwordSchema, presentedPasswordSchema } from '../../auth/password-policy.ts';
import { reauthenticate } from '../../auth/reauthenticate.ts';
import { accessTokenFor, revokeAllSessions } from '../../auth/refresh-sessions.ts';
import { sendMailQuietly } from '../../auth/send-mail.ts';
import { clientInfo } from '../../http/client-info.ts';
import { parseBody } from '../../http/validate.ts';
import { passwordResetMail, securityNoticeMail } from '../../mail/auth-mails.ts';
import { errorResponse } from '../../openapi/standard-errors.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { rateLimitByIp } from '../../rate-limit/ip-rate-limit.ts';
import { loginLockout } from '../../rate-limit/login-lockout.ts';
import { rateLimitByPlan } from '../../rate-limit/plan-rate-limit.ts';
import { acceptedSchema, accessTokenSchema, emailSchema } from './auth-schemas.ts';

const changeBody = z.object({ currentPassword: presentedPasswordSchema, newPassword: passwordSchema });
const forgotBody = z.object({ email: emailSchema });
const resetBody = z.object({ token: z.string().min(1, { error: 'Token is required' }).max(200), newPassword: passwordSchema });

const FORGOT = { message: 'If this address has an account, a reset link is on its way to it' };

function refuseEmailAsPassword(password: string, email: string): void {
  if (passwordEqualsEmail(password, email)) {
    throw new ValidationFailedError({ details: [{ path: 'newPassword', message: 'Password must not be the email address' }] });
  }
}

export function passwordRouter(ctx: ApiContext): Router {
  const router = Router();
  const tags = ['auth'];
  const limit = rateLimitByIp(ctx);

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/password/change', summary: 'Change the password; other sessions end', tags, auth: 'user',
    body: changeBody,
    responses: {
      200: { description: 'Changed; a new access token for this session (older ones stop working)', schema: accessTokenSchema },
      403: errorResponse('`reauthentication_failed` (wrong current password), `session_required`, `account_inactive`'),
    },
  }, authenticate(ctx), requireSession(), rateLimitByPlan(ctx), async (req, res) => {
    const auth = authOf(req);
    const body = parseBody(changeBody, req);
    const em = ctx.orm.em.fork();
    const user = await em.findOneOrFail(User, { id: auth.userId });
    await reauthenticate(ctx, em, user, { password: body.currentPassword });
    refuseEmailAsPassword(body.newPassword, user.email);
    user.passwordHash = await passwordHasher(ctx).hash(body.newPassword);
    await em.flush();
    await revokeAllSessions(ctx, em, user.id, 'password_changed', auth.sessionId);
    await audit(em, { action: 'auth.password_changed', actorUserId: user.id, targetType: 'user', targetId: user.id, ip: clientInfo(req).ip });
    await sendMailQuietly(ctx, securityNoticeMail(user.email, 'your password was changed'), req.id);
    res.json(accessTokenFor(ctx, user, auth.sessionId));
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/password/forgot', summary: 'Mail a password reset link', tags, auth: 'none',
    body: forgotBody,
    responses: { 202: { description: 'Accepted (the same answer whatever the address)', schema: acceptedSchema } },
  }, limit, async (req, res) => {
    const email = parseBody(forgotBody, req).email.toLowerCase();
    const em = ctx.orm.em.fork();
    const user = await em.findOne(User, { email });
    if (user !== null && user.status === 'active') {
      const token = await issueOneTimeToken(em, user.id, 'password_reset', ctx.config.PASSWORD_RESET_TTL, ctx.now());
      await sendMailQuietly(ctx, passwordResetMail(ctx.config.PUBLIC_URL, email, token, ctx.config.PASSWORD_RESET_TTL), req.id);
    }
    res.status(202).json(FORGOT);
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/password/reset', summary: 'Set a new password with the mailed token; every session ends', tags, auth: 'none',
    body: resetBody,
    responses: {
      204: { description: 'Changed; sign in with the new password' },
      400: errorResponse('`one_time_token_invalid`, `validation_failed` or `invalid_json`'),
    },
  }, limit, async (req, res) => {
    const body = parseBody(resetBody, req);
    const em = ctx.orm.em.fork();
    // Checked before the link is spent, so a refused password does not burn it.
    const owner = await em.findOneOrFail(User, { id: await peekOneTimeToken(em, body.token, 'password_reset', ctx.now()) });
    refuseEmailAsPassword(body.newPassword, owner.email);
    const passwordHash = await passwordHasher(ctx).hash(body.newPassword);
    const userId = await consumeOneTimeToken(em, body.token, 'password_reset', ctx.now());
    const user = await em.findOneOrFail(User, { id: userId });
    user.passwordHash = passwordHash;
    // Following the link proved the mailbox is theirs.
    user.emailVerifiedAt ??= new Date(ctx.now());
    await em.flush();
    await revokeAllSessions(ctx, em, user.id, 'password_reset');
    await loginLockout(ctx).reset(user.email);
    await audit(em, { action: 'auth.password_reset', actorUserId: user.id, targetType: 'user', targetId: user.id, ip: clientInfo(req).ip });
    await sendMailQuietly(ctx, securityNoticeMail(user.email, 'your password was reset'), req.id);
    res.status(204).end();
  });

  return router;
}
