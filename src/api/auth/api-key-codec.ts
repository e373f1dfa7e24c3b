/**
 * API keys: `sb_<prefix>_<secret>`, where the 8-character prefix (48 random
 * bits) is stored in clear to find the row and shown in listings, and the
 * secret is 256 random bits. Only HMAC-SHA256(pepper, whole key) is stored:
 * a leaked table is useless without the pepper, which lives in configuration,
 * and a key changed in any character fails the HMAC comparison.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What every API key starts with; how `Authorization: Bearer` tells a key from a JWT. */
export const API_KEY_MARK = 'sb_';

const KEY_SHAPE = /^sb_([A-Za-z0-9_-]{8})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  /** The whole key, shown to its owner once. */
  key: string;
  /** `sb_` and the 8-character lookup part, stored and displayed. */
  prefix: string;
  /** Hex HMAC of the whole key. */
  hash: string;
}

export function generateApiKey(pepper: Buffer): NewApiKey {
  const key = `${API_KEY_MARK}${randomBytes(6).toString('base64url')}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, API_KEY_MARK.length + 8), hash: hashApiKey(key, pepper) };
}

/** The stored prefix of a well-formed key; null for anything else. */
export function apiKeyPrefix(key: string): string | null {
  const match = KEY_SHAPE.exec(key);
  return match === null ? null : `${API_KEY_MARK}${match[1]}`;
}

export function hashApiKey(key: string, pepper: Buffer): string {
  return createHmac('sha256', pepper).update(key, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented key with a stored hash. */
export function apiKeyMatches(key: string, storedHash: string, pepper: Buffer): boolean {
  const presented = Buffer.from(hashApiKey(key, pepper), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
