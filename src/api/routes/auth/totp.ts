/**
 * Two-factor authentication with an authenticator app: set up (a sealed
 * secret and its otpauth URI), confirm with a first code (which turns it on
 * and hands out the recovery codes, once), turn off or renew the recovery
 * codes with the password or a code. Every change is audited and mailed.
 */
import { Router } from 'express';
import { z } from 'zod';
import { User, type IUser } from '../../../db/entities/user.ts';
import { TotpCodeInvalidError, TotpStateConflictError } from '../../../errors/registry.ts';
import type { ApiContext } from '../../api-context.ts';
import { audit, type AuthAuditAction } from '../../auth/audit.ts';
import { authenticate, authOf, requireSession } from '../../auth/authenticate.ts';
import { reauthenticate } from '../../auth/reauthenticate.ts';
import { deleteRecoveryCodes, replaceRecoveryCodes } from '../../auth/recovery-codes.ts';
import { sendMailQuietly } from '../../auth/send-mail.ts';
import { newTotpSecret, openTotpSecret, sealTotpSecret, totpUri, verifyTotpOnce } from '../../auth/totp.ts';
import { clientInfo } from '../../http/client-info.ts';
import { parseBody } from '../../http/validate.ts';
import { securityNoticeMail } from '../../mail/auth-mails.ts';
import { errorResponse } from '../../openapi/standard-errors.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { loginLockout } from '../../rate-limit/login-lockout.ts';
import { rateLimitByPlan } from '../../rate-limit/plan-rate-limit.ts';
import { identityProofSchema, recoveryCodesSchema, totpCodeSchema } from './auth-schemas.ts';

const setupSchema = z.object({
  secret: z.string().describe('Base32 secret, for typing into an app by hand'),
  otpauthUri: z.string().describe('`otpauth://totp/...`, for a QR code'),
});
const confirmBody = z.object({ code: totpCodeSchema });

const CONFLICT = errorResponse('`totp_state_conflict`: already on, not on, or not set up');

export function totpRouter(ctx: ApiContext): Router {
  const router = Router();
  const tags = ['auth'];
  const signedIn = [authenticate(ctx), requireSession(), rateLimitByPlan(ctx)];

  async function userOf(id: string): Promise<{ user: IUser; em: ReturnType<typeof ctx.orm.em.fork> }> {
    const em = ctx.orm.em.fork();
    return { user: await em.findOneOrFail(User, { id }), em };
  }

  async function record(em: ReturnType<typeof ctx.orm.em.fork>, user: IUser, action: AuthAuditAction, ip: string | null): Promise<void> {
    await audit(em, { action, actorUserId: user.id, targetType: 'user', targetId: user.id, ip });
  }

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/totp/setup', summary: 'Start 2FA setup: a new secret to add to an authenticator app', tags, auth: 'user',
    responses: { 200: { description: 'The secret; 2FA is on only after /v1/auth/totp/confirm', schema: setupSchema }, 409: CONFLICT },
  }, ...signedIn, async (req, res) => {
    const { user, em } = await userOf(authOf(req).userId);
    if (user.totpEnabled) throw new TotpStateConflictError({ state: 'enabled' });
    const secret = newTotpSecret();
    user.totpSecretCiphertext = sealTotpSecret(ctx, user.id, secret);
    await em.flush();
    res.json({ secret, otpauthUri: totpUri('Switchboard', user.email, secret) });
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/totp/confirm', summary: 'Turn 2FA on with a first code; returns the recovery codes', tags, auth: 'user',
    body: confirmBody,
    responses: {
      200: { description: 'On; the recovery codes are shown this once', schema: recoveryCodesSchema },
      400: errorResponse('`totp_code_invalid`, `validation_failed` or `invalid_json`'),
      409: CONFLICT,
    },
  }, ...signedIn, async (req, res) => {
    const { code } = parseBody(confirmBody, req);
    const { user, em } = await userOf(authOf(req).userId);
    if (user.totpEnabled) throw new TotpStateConflictError({ state: 'enabled' });
    if (user.totpSecretCiphertext == null) throw new TotpStateConflictError({ state: 'not_set_up' });
    const lockout = loginLockout(ctx);
    await lockout.assertNotLocked(user.email);
    if (!(await verifyTotpOnce(ctx, user.id, openTotpSecret(ctx, user.id, user.totpSecretCiphertext), code))) {
      await lockout.recordFailure(user.email);
      throw new TotpCodeInvalidError({});
    }
    user.totpEnabled = true;
    await em.flush();
    const recoveryCodes = await replaceRecoveryCodes(em, user.id);
    await record(em, user, 'auth.totp_enabled', clientInfo(req).ip);
    await sendMailQuietly(ctx, securityNoticeMail(user.email, 'two-factor authentication was turned on'), req.id);
    res.json({ recoveryCodes });
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/totp/disable', summary: 'Turn 2FA off, confirmed by the password or a code', tags, auth: 'user',
    body: identityProofSchema,
    responses: {
      204: { description: 'Off; the recovery codes are deleted' },
      403: errorResponse('`reauthentication_failed`, `session_required`, `account_inactive`'),
      409: CONFLICT,
    },
  }, ...signedIn, async (req, res) => {
    const proof = parseBody(identityProofSchema, req);
    const { user, em } = await userOf(authOf(req).userId);
    if (!user.totpEnabled) throw new TotpStateConflictError({ state: 'not_enabled' });
    await reauthenticate(ctx, em, user, proof);
    user.totpEnabled = false;
    user.totpSecretCiphertext = null;
    await em.flush();
    await deleteRecoveryCodes(em, user.id);
    await record(em, user, 'auth.totp_disabled', clientInfo(req).ip);
    await sendMailQuietly(ctx, securityNoticeMail(user.email, 'two-factor authentication was turned off'), req.id);
    res.status(204).end();
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/totp/recovery-codes', summary: 'Replace the recovery codes, confirmed by the password or a code', tags, auth: 'user',
    body: identityProofSchema,
    responses: {
      200: { description: 'The new codes (the old ones stop working), shown this once', schema: recoveryCodesSchema },
      403: errorResponse('`reauthentication_failed`, `session_required`, `account_inactive`'),
      409: CONFLICT,
    },
  }, ...signedIn, async (req, res) => {
    const proof = parseBody(identityProofSchema, req);
    const { user, em } = await userOf(authOf(req).userId);
    if (!user.totpEnabled) throw new TotpStateConflictError({ state: 'not_enabled' });
    await reauthenticate(ctx, em, user, proof);
    const recoveryCodes = await replaceRecoveryCodes(em, user.id);
    await record(em, user, 'auth.recovery_codes_regenerated', clientInfo(req).ip);
    res.json({ recoveryCodes });
  });

  return router;
}
