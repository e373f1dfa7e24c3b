/** Sign-in: password first, then the 2FA code when the account has it on. */
import { Router } from 'express';
import { z } from 'zod';
import type { ApiContext } from '../../api-context.ts';
import { presentedPasswordSchema } from '../../auth/password-policy.ts';
import { completeMfaSignIn, signInWithPassword, type MfaProof } from '../../auth/sign-in.ts';
import { clientInfo } from '../../http/client-info.ts';
import { parseBody } from '../../http/validate.ts';
import { errorResponse } from '../../openapi/standard-errors.ts';
import { mountRoute } from '../../openapi/mount-route.ts';
import { rateLimitByIp } from '../../rate-limit/ip-rate-limit.ts';
import { emailSchema, mfaChallengeSchema, tokenPairSchema, totpCodeSchema } from './auth-schemas.ts';

const loginBody = z.object({ email: emailSchema, password: presentedPasswordSchema });

const mfaToken = z.string().min(1, { error: 'mfaToken is required' }).max(100);
const totpBody = z.union([
  z.strictObject({ mfaToken, code: totpCodeSchema }),
  z.strictObject({ mfaToken, recoveryCode: z.string().min(1).max(64) }),
], { error: 'Give mfaToken with either code or recoveryCode' });

export function loginRouter(ctx: ApiContext): Router {
  const router = Router();
  const limit = rateLimitByIp(ctx);
  const tags = ['auth'];

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/login', summary: 'Sign in with email and password', tags, auth: 'none',
    body: loginBody,
    example: { email: 'ada@example.com', password: 'correct horse battery staple' },
    responses: {
      200: { description: 'Signed in, or (2FA on) a challenge to answer at /v1/auth/login/totp', schema: z.union([tokenPairSchema, mfaChallengeSchema]) },
      401: errorResponse('`invalid_credentials`: unknown email or wrong password, deliberately indistinguishable'),
      403: errorResponse('`email_not_verified` or `account_inactive`'),
      429: errorResponse('`rate_limited`: too many requests from this address, or the account is locked after repeated failures'),
    },
  }, limit, async (req, res) => {
    const { email, password } = parseBody(loginBody, req);
    const result = await signInWithPassword(ctx, email, password, clientInfo(req));
    res.json(result.kind === 'tokens' ? result.tokens : { mfaRequired: true, mfaToken: result.mfaToken, expiresIn: result.expiresIn });
  });

  mountRoute(router, ctx.doc, {
    method: 'post', path: '/v1/auth/login/totp', summary: 'Finish signing in with a TOTP or recovery code', tags, auth: 'none',
    body: totpBody,
    responses: {
      200: { description: 'Signed in', schema: tokenPairSchema },
      401: errorResponse('`mfa_token_invalid` (expired, used, or too many wrong codes) or `mfa_code_invalid`'),
      403: errorResponse('`account_inactive`'),
    },
  }, limit, async (req, res) => {
    const body = parseBody(totpBody, req);
    const proof: MfaProof = 'code' in body ? { code: body.code } : { recoveryCode: body.recoveryCode };
    res.json(await completeMfaSignIn(ctx, body.mfaToken, proof, clientInfo(req)));
  });

  return router;
}
