/**
 * Signing in with email and password, then the 2FA code when it is on.
 * An unknown email and a wrong password take the same time (a dummy hash is
 * verified) and give the same `invalid_credentials`; the account's status and
 * verification are only revealed once the password was right. Failures count
 * towards the account lock-out; a full success clears it.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { User, type IUser } from '../../db/entities/user.ts';
import {
  AccountInactiveError, EmailNotVerifiedError, InvalidCredentialsError, MfaCodeInvalidError, MfaTokenInvalidError,
} from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import type { ClientInfo } from '../http/client-info.ts';
import { loginLockout } from '../rate-limit/login-lockout.ts';
import { audit } from './audit.ts';
import { completeMfaChallenge, createMfaChallenge, failMfaChallenge, readMfaChallenge } from './mfa-challenges.ts';
import { passwordHasher } from './password-hasher.ts';
import { useRecoveryCode } from './recovery-codes.ts';
import { startSession, type IssuedTokens } from './refresh-sessions.ts';
import { openTotpSecret, verifyTotpOnce } from './totp.ts';

export type SignInResult =
  | { kind: 'tokens'; tokens: IssuedTokens }
  | { kind: 'mfa'; mfaToken: string; expiresIn: number };

/** The second factor: a TOTP code or one recovery code. */
export type MfaProof = { code: string } | { recoveryCode: string };

export async function signInWithPassword(ctx: ApiContext, email: string, password: string, client: ClientInfo): Promise<SignInResult> {
  const account = email.toLowerCase();
  const lockout = loginLockout(ctx);
  await lockout.assertNotLocked(account);
  const em = ctx.orm.em.fork();
  const hasher = passwordHasher(ctx);
  const user = await em.findOne(User, { email: account });
  const ok = user === null ? await hasher.verifyDummy(password) : await hasher.verify(user.passwordHash, password);
  if (user === null || !ok) {
    await lockout.recordFailure(account);
    await audit(em, {
      action: 'auth.login_failed', actorUserId: user?.id ?? null, targetType: 'user', targetId: user?.id ?? null, ip: client.ip,
      after: { reason: user === null ? 'unknown_email' : 'wrong_password' },
    });
    throw new InvalidCredentialsError({});
  }
  // The password is right and in hand: the one moment a hash with old parameters can be upgraded.
  if (hasher.needsRehash(user.passwordHash)) user.passwordHash = await hasher.hash(password);
  await em.flush();
  if (user.status !== 'active') throw new AccountInactiveError({ status: user.status });
  if (user.emailVerifiedAt == null) throw new EmailNotVerifiedError({});
  if (user.totpEnabled) {
    const mfaToken = await createMfaChallenge(ctx, { userId: user.id, email: account });
    return { kind: 'mfa', mfaToken, expiresIn: ctx.config.MFA_TOKEN_TTL };
  }
  return { kind: 'tokens', tokens: await finishSignIn(ctx, em, user, client, 'password') };
}

export async function completeMfaSignIn(ctx: ApiContext, mfaToken: string, proof: MfaProof, client: ClientInfo): Promise<IssuedTokens> {
  const challenge = await readMfaChallenge(ctx, mfaToken);
  if (challenge === null) throw new MfaTokenInvalidError({});
  const lockout = loginLockout(ctx);
  await lockout.assertNotLocked(challenge.email);
  const em = ctx.orm.em.fork();
  const user = await em.findOne(User, { id: challenge.userId });
  if (user === null || !user.totpEnabled || user.totpSecretCiphertext == null) throw new MfaTokenInvalidError({});
  const ok = 'code' in proof
    ? await verifyTotpOnce(ctx, user.id, openTotpSecret(ctx, user.id, user.totpSecretCiphertext), proof.code)
    : await useRecoveryCode(em, user.id, proof.recoveryCode, ctx.now());
  if (!ok) {
    await lockout.recordFailure(challenge.email);
    await failMfaChallenge(ctx, mfaToken);
    await audit(em, {
      action: 'auth.login_failed', actorUserId: user.id, targetType: 'user', targetId: user.id, ip: client.ip,
      after: { reason: 'code' in proof ? 'wrong_totp_code' : 'wrong_recovery_code' },
    });
    throw new MfaCodeInvalidError({});
  }
  if (!(await completeMfaChallenge(ctx, mfaToken))) throw new MfaTokenInvalidError({});
  if (user.status !== 'active') throw new AccountInactiveError({ status: user.status });
  if ('recoveryCode' in proof) {
    await audit(em, { action: 'auth.recovery_code_used', actorUserId: user.id, targetType: 'user', targetId: user.id, ip: client.ip });
  }
  return finishSignIn(ctx, em, user, client, 'code' in proof ? 'totp' : 'recovery_code');
}

async function finishSignIn(ctx: ApiContext, em: EntityManager, user: IUser, client: ClientInfo, method: string): Promise<IssuedTokens> {
  await loginLockout(ctx).reset(user.email);
  const tokens = await startSession(ctx, em, user, client);
  await audit(em, {
    action: 'auth.login_succeeded', actorUserId: user.id, targetType: 'session', targetId: tokens.sessionId, ip: client.ip,
    after: { method, device: client.device },
  });
  return tokens;
}
