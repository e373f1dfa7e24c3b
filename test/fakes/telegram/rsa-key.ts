/**
 * The RSA key the fake signs its handshake with. Clients only trust keys
 * they know (gramjs checks the fingerprint against `RSA._serverKeys`), so
 * the public half is handed to them as PEM. Making a 2048-bit key takes
 * ~0.15 s: without an explicit key one is made per process and shared by
 * every fake in it.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, constants } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
// The client side's own computation: the fake's fingerprint is by construction the one clients check.
import { serverKeyFromPem } from '../../../src/telegram/server-keys.ts';

export interface ServerRsaKey {
  /** `-----BEGIN RSA PUBLIC KEY-----`, the form Telegram publishes its keys in. */
  publicKeyPem: string;
  /** Signed 64-bit fingerprint, decimal, as gramjs keys `_serverKeys`. */
  fingerprint: string;
  /** Raw RSA (no padding): what RSA_PAD needs, it pads by itself. */
  decrypt(data: Buffer): Buffer;
}

function fromPrivate(key: KeyObject): ServerRsaKey {
  const publicKeyPem = createPublicKey(key).export({ type: 'pkcs1', format: 'pem' }).toString();
  return {
    publicKeyPem,
    fingerprint: serverKeyFromPem(publicKeyPem).fingerprint,
    decrypt: (data) => privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, data),
  };
}

let shared: ServerRsaKey | null = null;

/** The key of `privateKeyPem`, else this process's shared generated key. */
export function serverRsaKey(privateKeyPem?: string): ServerRsaKey {
  if (privateKeyPem !== undefined) return fromPrivate(createPrivateKey(privateKeyPem));
  shared ??= fromPrivate(generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 }).privateKey);
  return shared;
}
