/**
 * TOTP (RFC 6238, SHA-1, 6 digits, 30 s: what authenticator apps support)
 * with otplib. Secrets are 160 random bits, sealed at rest with the keyring
 * and bound to the user's row. A code is accepted one step either side of now
 * (clock drift), and at most once: the last accepted time step per user is
 * kept in Redis and only later steps pass, so a code seen over a shoulder or
 * in a log cannot be replayed.
 */
import { generateSecret, generateURI, verify } from 'otplib';
import { columnContext, openSecret, sealSecret } from '../../crypto/secret-box.ts';
import type { ApiContext } from '../api-context.ts';

const PERIOD_SECONDS = 30;
/** Seconds of drift accepted each way: one period. */
const TOLERANCE_SECONDS = 30;

/** KEYS[1] last step; ARGV[1] step, ARGV[2] ttl. Sets the step only if it is newer, atomically. */
const CLAIM_STEP = `
local last = redis.call('GET', KEYS[1])
if last and tonumber(last) >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** `otpauth://` URI for a QR code; the label is the account's email. */
export function totpUri(issuer: string, email: string, secret: string): string {
  return generateURI({ issuer, label: email, secret, period: PERIOD_SECONDS, digits: 6, algorithm: 'sha1' });
}

function context(userId: string): string {
  return columnContext('users', 'totp_secret_ciphertext', userId);
}

export function sealTotpSecret(ctx: ApiContext, userId: string, secret: string): string {
  return sealSecret(ctx.keyring, secret, context(userId));
}

export function openTotpSecret(ctx: ApiContext, userId: string, sealed: string): string {
  return openSecret(ctx.keyring, sealed, context(userId));
}

/** True when `code` is right now and its time step was not used before by this user. */
export async function verifyTotpOnce(ctx: ApiContext, userId: string, secret: string, code: string): Promise<boolean> {
  if (!/^[0-9]{6}$/.test(code)) return false;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(ctx.now() / 1000),
    epochTolerance: TOLERANCE_SECONDS,
    period: PERIOD_SECONDS,
  });
  if (!result.valid || !('timeStep' in result)) return false;
  // Kept a little longer than a code can be valid, then forgotten.
  const ttl = String(PERIOD_SECONDS * 4);
  const claimed = await ctx.redis.eval(CLAIM_STEP, 1, `auth:totp-step:${userId}`, String(result.timeStep), ttl);
  return claimed === 1;
}
