/**
 * Registration and email verification. Registering answers the same 202
 * whether or not the address has an account (the owner gets a mail saying
 * so instead), and spends the same argon2 time either way, so the route
 * cannot be used to find out who uses Switchboard.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Router } from 'express';
import { z } from 'zod';
import { User } from '../../../db/entities/user.ts';
import type { ApiContext } from '../../api-context.ts';
import { audit } from '../../auth/audit.ts';
import { consumeOneTimeToken, issueOneTimeToken } from '../../auth/one-time-tokens.ts';
import { passwordHasher } from '../../auth/password-hasher.ts';
import { passwordEqualsEmail, passwordSchema } from '../../auth/password-policy.ts';
import { sendMailQuietly } from '../../auth/send-mail.ts';
import { clientInfo } from '../../http/client-info.ts';
import { parseBody } from '../../http/validate.ts';
import { accountExistsMail, verificationMail } from '../../mail/auth-mails.ts';
import { errorResponse } from '../../openapi/standard-errors.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { rateLimitByIp } from '../../rate-limit/ip-rate-limit.ts';
import { acceptedSchema, emailSchema } from './auth-schemas.ts';

const registerBody = z
  .object({ email: emailSchema, password: passwordSchema })
  .refine((b) => !passwordEqualsEmail(b.password, b.email), { path: ['password'], error: 'Password must not be the email address' });

const verifyBody = z.object({ token: z.string().min(1, { error: 'Token is required' }).max(200) });
const resendBody = z.object({ email: emailSchema });

const REGISTERED = { message: 'If this address can be registered, a confirmation link is on its way to it' };
const RESENT = { message: 'If this address has an unconfirmed account, a new confirmation link is on its way to it' };

export function registerRouter(ctx: ApiContext): Router {
  const router = Router();
  const limit = rateLimitByIp(ctx);
  const tags = ['auth'];

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/register', summary: 'Create an account; a confirmation link is mailed', tags, auth: 'none',
    body: registerBody,
    example: { email: 'ada@example.com', password: 'correct horse battery staple' },
    responses: { 202: { description: 'Accepted (the same answer whether or not the address has an account)', schema: acceptedSchema } },
  }, limit, async (req, res) => {
    const body = parseBody(registerBody, req);
    const email = body.email.toLowerCase();
    const passwordHash = await passwordHasher(ctx).hash(body.password);
    const em = ctx.orm.em.fork();
    const existing = await em.findOne(User, { email }, { fields: ['id'] });
    if (existing !== null) {
      await sendMailQuietly(ctx, accountExistsMail(ctx.config.PUBLIC_URL, email), req.id);
    } else {
      try {
        const user = em.create(User, { email, passwordHash });
        await em.flush();
        await audit(em, { action: 'auth.registered', actorUserId: user.id, targetType: 'user', targetId: user.id, ip: clientInfo(req).ip });
        const token = await issueOneTimeToken(em, user.id, 'email_verification', ctx.config.EMAIL_VERIFICATION_TTL, ctx.now());
        await sendMailQuietly(ctx, verificationMail(ctx.config.PUBLIC_URL, email, token, ctx.config.EMAIL_VERIFICATION_TTL), req.id);
      } catch (err) {
        // Registered by a concurrent request a moment ago: same answer as any existing address.
        if (!(err instanceof UniqueConstraintViolationException)) throw err;
      }
    }
    res.status(202).json(REGISTERED);
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/verify-email', summary: 'Confirm the email address with the mailed token', tags, auth: 'none',
    body: verifyBody,
    responses: {
      204: { description: 'Confirmed' },
      400: errorResponse('`one_time_token_invalid` (unknown, expired or used link), `validation_failed` or `invalid_json`'),
    },
  }, limit, async (req, res) => {
    const { token } = parseBody(verifyBody, req);
    const em = ctx.orm.em.fork();
    const userId = await consumeOneTimeToken(em, token, 'email_verification', ctx.now());
    const user = await em.findOneOrFail(User, { id: userId });
    user.emailVerifiedAt ??= new Date(ctx.now());
    await em.flush();
    await audit(em, { action: 'auth.email_verified', actorUserId: userId, targetType: 'user', targetId: userId, ip: clientInfo(req).ip });
    res.status(204).end();
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/verify-email/resend', summary: 'Mail a new confirmation link', tags, auth: 'none',
    body: resendBody,
    responses: { 202: { description: 'Accepted (the same answer whatever the address)', schema: acceptedSchema } },
  }, limit, async (req, res) => {
    const email = parseBody(resendBody, req).email.toLowerCase();
    const em = ctx.orm.em.fork();
    const user = await em.findOne(User, { email });
    if (user !== null && user.emailVerifiedAt == null && user.status === 'active') {
      const token = await issueOneTimeToken(em, user.id, 'email_verification', ctx.config.EMAIL_VERIFICATION_TTL, ctx.now());
      await sendMailQuietly(ctx, verificationMail(ctx.config.PUBLIC_URL, email, token, ctx.config.EMAIL_VERIFICATION_TTL), req.id);
    }
    res.status(202).json(RESENT);
  });

  return router;
}
