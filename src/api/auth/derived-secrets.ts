/**
 * The HMAC keys of the API: JWT_SECRET signs access tokens, API_KEY_PEPPER
 * hashes API keys. Production must set both (config validation says so).
 * Elsewhere, when unset, each is derived from the keyring's current key with
 * HKDF-SHA256 under its own label, so a development machine or a test run
 * works with no extra setup, every process on it agrees, and the two keys
 * are unrelated to each other and to the sealing key itself.
 */
import { hkdfSync } from 'node:crypto';
import type { Config } from '../../config/load-config.ts';
import type { Keyring } from '../../crypto/keyring.ts';

export type DerivedSecretName = 'JWT_SECRET' | 'API_KEY_PEPPER';

const LABELS: Readonly<Record<DerivedSecretName, string>> = {
  JWT_SECRET: 'switchboard/access-token-hs256',
  API_KEY_PEPPER: 'switchboard/api-key-pepper',
};

/** The configured secret as bytes, or 32 bytes derived from the keyring. */
export function apiSecret(name: DerivedSecretName, config: Pick<Config, DerivedSecretName>, keyring: Keyring): Buffer {
  const given = config[name];
  if (given !== undefined) return Buffer.from(given, 'utf8');
  const key = keyring.keys.get(keyring.current);
  if (key === undefined) throw new TypeError(`apiSecret: keyring has no current key "${keyring.current}"`);
  return Buffer.from(hkdfSync('sha256', key, 'switchboard', LABELS[name], 32));
}
