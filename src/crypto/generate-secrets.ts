/**
 * Fresh values for every secret production needs: SECRET_KEYS (one AES-256
 * key under a dated key id, so a later rotation adds a second id beside it),
 * JWT_SECRET and API_KEY_PEPPER, 32 random bytes each.
 */
import { randomBytes } from 'node:crypto';

export interface GeneratedSecrets {
  SECRET_KEYS: string;
  JWT_SECRET: string;
  API_KEY_PEPPER: string;
}

export function generateSecrets(now = new Date()): GeneratedSecrets {
  const keyId = `k${now.toISOString().slice(0, 10).replaceAll('-', '')}`;
  const secret = () => randomBytes(32).toString('base64');
  return { SECRET_KEYS: `${keyId}:${secret()}`, JWT_SECRET: secret(), API_KEY_PEPPER: secret() };
}
