/**
 * TOTP recovery codes: ten per user, each 80 random bits written as
 * `xxxx-xxxx-xxxx-xxxx` in lower-case base32, shown once and stored as
 * SHA-256 in `totp_recovery_codes`. Each works once; a new set replaces the old.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { TotpRecoveryCode } from '../../db/entities/totp-recovery-code.ts';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function newCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

/** Users type codes with or without dashes, in any case. */
function normalise(code: string): string {
  return code.toLowerCase().replace(/[^a-z2-7]/g, '');
}

function hashOf(userId: string, code: string): string {
  return createHash('sha256').update(`${userId}:${normalise(code)}`, 'utf8').digest('hex');
}

/** Replaces the user's codes with a new set and returns it (the only time it is seen). */
export async function replaceRecoveryCodes(em: EntityManager, userId: string): Promise<string[]> {
  await em.nativeDelete(TotpRecoveryCode, { user: userId });
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  for (const code of codes) em.create(TotpRecoveryCode, { user: userId, codeHash: hashOf(userId, code) });
  await em.flush();
  return codes;
}

/** Spends one unused code; false when it is wrong or already used (also under a race). */
export async function useRecoveryCode(em: EntityManager, userId: string, code: string, now: number): Promise<boolean> {
  if (normalise(code).length !== 16) return false;
  const used = await em.nativeUpdate(
    TotpRecoveryCode,
    { user: userId, codeHash: hashOf(userId, code), usedAt: null },
    { usedAt: new Date(now) },
  );
  return used === 1;
}

export async function deleteRecoveryCodes(em: EntityManager, userId: string): Promise<void> {
  await em.nativeDelete(TotpRecoveryCode, { user: userId });
}
