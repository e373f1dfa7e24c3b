/**
 * Confirming identity before a sensitive change (ASVS 7.5): the password, or
 * a TOTP code when 2FA is on. Wrong answers count towards the same account
 * lock-out as sign-in failures, so a stolen session cannot guess the password.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { IUser } from '../../db/entities/user.ts';
import { ReauthenticationFailedError } from '../../errors/registry.ts';
import type { ApiContext } from '../api-context.ts';
import { loginLockout } from '../rate-limit/login-lockout.ts';
import { passwordHasher } from './password-hasher.ts';
import { openTotpSecret, verifyTotpOnce } from './totp.ts';

export type IdentityProof = { password: string } | { code: string };

export async function reauthenticate(ctx: ApiContext, _em: EntityManager, user: IUser, proof: IdentityProof): Promise<void> {
  const lockout = loginLockout(ctx);
  await lockout.assertNotLocked(user.email);
  let ok: boolean;
  if ('password' in proof) {
    ok = await passwordHasher(ctx).verify(user.passwordHash, proof.password);
  } else {
    ok = user.totpEnabled && user.totpSecretCiphertext != null
      && await verifyTotpOnce(ctx, user.id, openTotpSecret(ctx, user.id, user.totpSecretCiphertext), proof.code);
  }
  if (!ok) {
    await lockout.recordFailure(user.email);
    throw new ReauthenticationFailedError({});
  }
}
