/**
 * RSA public keys an MTProto server proves itself with, in the form gramjs
 * keeps them: a fingerprint (the lower 64 bits of SHA-1 over the
 * TL-serialized `rsa_public_key n:bytes e:bytes`, as a signed little-endian
 * integer), the modulus and the exponent. Pure: node:crypto only.
 */
import { createHash, createPublicKey } from 'node:crypto';

export interface ServerKey {
  /** Signed 64-bit fingerprint, decimal. */
  fingerprint: string;
  /** Modulus, decimal. */
  n: string;
  e: number;
}

/** TL `bytes`: a length prefix (1 byte, or 0xfe and 3 bytes), the data, zero padding to 4 bytes. */
function tlBytes(data: Buffer): Buffer {
  const head = data.length < 254
    ? Buffer.from([data.length])
    : Buffer.from([254, data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff]);
  const padding = (4 - ((head.length + data.length) % 4)) % 4;
  return Buffer.concat([head, data, Buffer.alloc(padding)]);
}

/** Big-endian bytes of a JWK base64url number, without leading zeros. */
function unsigned(b64url: string): Buffer {
  const raw = Buffer.from(b64url, 'base64url');
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start += 1;
  return raw.subarray(start);
}

/** The key of a PEM (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`) in gramjs's form. */
export function serverKeyFromPem(pem: string): ServerKey {
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || jwk.n === undefined || jwk.e === undefined) throw new TypeError('not an RSA public key');
  const n = unsigned(jwk.n);
  const e = unsigned(jwk.e);
  const digest = createHash('sha1').update(Buffer.concat([tlBytes(n), tlBytes(e)])).digest();
  return {
    fingerprint: digest.readBigInt64LE(12).toString(),
    n: BigInt(`0x${n.toString('hex')}`).toString(),
    e: Number(BigInt(`0x${e.toString('hex')}`)),
  };
}
