/**
 * 2FA passwords the way Telegram checks them (core.telegram.org/api/srp):
 * the server keeps only the verifier v = g^x, x being the
 * SHA256/PBKDF2-HMAC-SHA512 (100 000 rounds) hash of the password with two
 * salts, sends B = k·v + g^b, and checks the client's M1 against its own
 * S = (A·v^u)^b. gramjs's `computeCheck` is the client side of this.
 */
import { createHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { SrpChallenge } from './auth-keys.ts';
import { G, PRIME, PRIME_BYTES, modPow, toBigInt, toBytes } from './prime.ts';

const pbkdf2Async = promisify(pbkdf2);

function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

const G_BYTES = toBytes(BigInt(G));
const K = toBigInt(sha256(PRIME_BYTES, G_BYTES));

/** v = g^x mod p; runs the 100 000 PBKDF2 rounds off the event loop. */
export async function srpVerifier(password: string, salt1: Buffer, salt2: Buffer): Promise<bigint> {
  const hash1 = sha256(salt1, Buffer.from(password, 'utf8'), salt1);
  const hash2 = sha256(salt2, hash1, salt2);
  const hash3 = await pbkdf2Async(hash2, salt1, 100_000, 64, 'sha512');
  const x = sha256(salt2, hash3, salt2);
  return toBigInt(modPow(BigInt(G), x));
}

/** A fresh b and B = (k·v + g^b) mod p for one account.getPassword. */
export function srpChallenge(verifier: bigint): SrpChallenge {
  const b = randomBytes(256);
  const gB = toBigInt(modPow(BigInt(G), b));
  const B = (K * verifier + gB) % PRIME;
  return { id: randomBytes(8).readBigInt64LE(0).toString(), b, B: toBytes(B) };
}

/** Whether the client's (A, M1) prove it knows the password behind `verifier`. */
export function srpCheck(
  challenge: SrpChallenge, verifier: bigint, salts: { salt1: Buffer; salt2: Buffer }, A: Buffer, M1: Buffer,
): boolean {
  const a = toBigInt(A);
  if (a <= 1n || a >= PRIME - 1n || M1.length !== 32) return false;
  const aBytes = toBytes(a);
  const u = sha256(aBytes, challenge.B);
  const base = (a * toBigInt(modPow(verifier, u))) % PRIME;
  if (base <= 1n || base >= PRIME - 1n) return false;
  const S = modPow(base, challenge.b);
  const pg = sha256(PRIME_BYTES);
  const g = sha256(G_BYTES);
  for (let i = 0; i < pg.length; i += 1) pg[i] = pg[i]! ^ g[i]!;
  const expected = sha256(pg, sha256(salts.salt1), sha256(salts.salt2), aBytes, challenge.B, sha256(S));
  return timingSafeEqual(expected, M1);
}
