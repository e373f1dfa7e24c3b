/**
 * Telegram's 2048-bit safe prime (g = 3), used both for the auth-key
 * Diffie-Hellman and for 2FA's SRP, exactly the one gramjs's Password.js
 * accepts. Modular exponentiation goes through one native Diffie-Hellman
 * object (`computeSecret(base)` with the exponent as private key is
 * base^exp mod p), about ten times faster than BigInt arithmetic; building
 * that object checks the prime once (~0.2 s), so it is made on first use.
 */
import { createDiffieHellman } from 'node:crypto';
import type { DiffieHellman } from 'node:crypto';

export const PRIME_HEX =
  'c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f48198a0aa7c14058229493d22530f4db' +
  'fa336f6e0ac925139543aed44cce7c3720fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64' +
  '2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4a4a695811051907e162753b56b0f6b41' +
  '0dba74d8a84b2a14b3144e0ef1284754fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4' +
  'e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f0d8115f635b105ee2e4e15d04b2454bf' +
  '6f4fadf034b10403119cd8e3b92fcc5b';

export const PRIME_BYTES = Buffer.from(PRIME_HEX, 'hex');
export const PRIME = BigInt(`0x${PRIME_HEX}`);
export const G = 3;

let engine: DiffieHellman | null = null;

export function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

/** Big-endian bytes, left-padded to `size`. */
export function toBytes(value: bigint, size = 256): Buffer {
  return Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');
}

/** base^exp mod PRIME, as 256 big-endian bytes. `base` must lie in [2, PRIME-2]. */
export function modPow(base: bigint, exp: Buffer): Buffer {
  engine ??= createDiffieHellman(PRIME_BYTES, Buffer.from([G]));
  engine.setPrivateKey(exp);
  return engine.computeSecret(toBytes(base));
}
