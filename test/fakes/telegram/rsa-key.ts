/**
 * The RSA key the fake signs its handshake with. Clients only trust keys
 * they know (gramjs checks the fingerprint against `RSA._serverKeys`), so
 * the public half is handed to them as PEM. Making a 2048-bit key takes
 * ~0.15 s: without an explicit key one is made per process and shared by
 * every fake in it.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, constants } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface ServerRsaKey {
  /** `-----BEGIN RSA PUBLIC KEY-----`, the form Telegram publishes its keys in. */
  publicKeyPem: string;
  /** Signed 64-bit fingerprint, decimal, as gramjs keys `_serverKeys`. */
  fingerprint: string;
  /** Raw RSA (no padding): what RSA_PAD needs, it pads by itself. */
  decrypt(data: Buffer): Buffer;
}

/** TL `bytes`: a length prefix (1 byte, or 0xfe and 3 bytes), the data, zero padding to 4 bytes. */
function tlBytes(data: Buffer): Buffer {
  const head = data.length < 254
    ? Buffer.from([data.length])
    : Buffer.from([254, data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff]);
  const padding = (4 - ((head.length + data.length) % 4)) % 4;
  return Buffer.concat([head, data, Buffer.alloc(padding)]);
}

function unsignedBytes(b64url: string): Buffer {
  const raw = Buffer.from(b64url, 'base64url');
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start += 1;
  return raw.subarray(start);
}

/**
 * Telegram's key fingerprint: the lower 64 bits of SHA-1 over the
 * TL-serialized `rsa_public_key n:bytes e:bytes`, read as a signed
 * little-endian integer.
 */
export function rsaFingerprint(n: Buffer, e: Buffer): string {
  const digest = createHash('sha1').update(Buffer.concat([tlBytes(n), tlBytes(e)])).digest();
  return digest.readBigInt64LE(12).toString();
}

function fromPrivate(key: KeyObject): ServerRsaKey {
  const publicKey = createPublicKey(key);
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || jwk.n === undefined || jwk.e === undefined) throw new TypeError('the fake needs an RSA key');
  return {
    publicKeyPem: publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    fingerprint: rsaFingerprint(unsignedBytes(jwk.n), unsignedBytes(jwk.e)),
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
