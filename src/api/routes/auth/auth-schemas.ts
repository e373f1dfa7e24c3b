/** Request and response shapes shared by the authentication routers. */
import { z } from 'zod';
import { presentedPasswordSchema } from '../../auth/password-policy.ts';

export const emailSchema = z.email({ error: 'Must be an email address' }).max(254, { error: 'Email must be at most 254 characters' });

export const tokenPairSchema = z.object({
  accessToken: z.string().describe('JWT for `Authorization: Bearer`'),
  refreshToken: z.string().describe('Exchange at `POST /v1/auth/refresh`; each one works once'),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().positive().describe('Seconds the access token lives'),
  sessionId: z.uuid().describe('This sign-in, as `GET /v1/auth/sessions` lists it'),
});

export const accessTokenSchema = tokenPairSchema.pick({ accessToken: true, tokenType: true, expiresIn: true });

export const mfaChallengeSchema = z.object({
  mfaRequired: z.literal(true),
  mfaToken: z.string().describe('Send with the code to `POST /v1/auth/login/totp`'),
  expiresIn: z.number().int().positive(),
});

/** What anonymous routes that must not reveal accounts answer, whatever happened. */
export const acceptedSchema = z.object({ message: z.string() });

export const totpCodeSchema = z.string().regex(/^[0-9]{6}$/, { error: 'Code must be 6 digits' });

/** `{ password }` or `{ code }`, exactly one: what confirms a sensitive change. */
export const identityProofSchema = z.union([
  z.strictObject({ password: presentedPasswordSchema }),
  z.strictObject({ code: totpCodeSchema }),
], { error: 'Give either password or code' });

export const recoveryCodesSchema = z.object({
  recoveryCodes: z.array(z.string()).describe('Shown once; each works once instead of a TOTP code'),
});
