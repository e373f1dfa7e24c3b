/**
 * The one-time codes that tie a chat identity to a Switchboard user
 * (`/link CODE`). Eight characters of Crockford's base32 (no I, L, O, U):
 * 32^8 ≈ 1.1 × 10^12 codes, read aloud or typed on a phone without
 * ambiguity, live for minutes and are tried a few times per identity at
 * most, so guessing one is hopeless. Pure.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LINK_CODE_LENGTH = 8;

/** A fresh code, grouped for reading as `XXXX-XXXX`. */
export function newLinkCode(): string {
  let code = '';
  for (let i = 0; i < LINK_CODE_LENGTH; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * The code as stored, from what a user typed: case, spaces and dashes do not
 * matter, and the letters Crockford reads as digits (I, L → 1, O → 0) are
 * taken as those; null when it cannot be a code.
 */
export function normalizeLinkCode(typed: string): string | null {
  const compact = typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (compact.length !== LINK_CODE_LENGTH) return null;
  for (const char of compact) if (!ALPHABET.includes(char)) return null;
  return compact;
}
