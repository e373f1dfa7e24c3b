/**
 * MTProto 2.0 message encryption, server side: the mirror of gramjs's
 * MTProtoState.encryptMessageData / decryptMessageData. Keys derive from the
 * auth key and msg_key with x = 0 for what the client sends and x = 8 for
 * what the server sends; AES-256-IGE is gramjs's own implementation.
 */
import { createHash, randomBytes } from 'node:crypto';
// The package entry first: gramjs's modules import each other in a cycle that only its index resolves.
import 'telegram';
import { IGE } from 'telegram/crypto/IGE.js';

function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

function aesKeyIv(authKey: Buffer, msgKey: Buffer, x: 0 | 8): { key: Buffer; iv: Buffer } {
  const a = sha256(msgKey, authKey.subarray(x, x + 36));
  const b = sha256(authKey.subarray(40 + x, 76 + x), msgKey);
  return {
    key: Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]),
    iv: Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]),
  };
}

/** auth_key_id: the lower 64 bits of SHA-1 of the key, hex of the bytes as they travel. */
export function authKeyId(authKey: Buffer): string {
  return createHash('sha1').update(authKey).digest().subarray(12, 20).toString('hex');
}

export interface ClientMessage {
  salt: Buffer;
  sessionId: bigint;
  msgId: bigint;
  seqNo: number;
  body: Buffer;
}

/** Decrypts a packet (after its 8-byte key id); null when msg_key does not match, as for a forged packet. */
export function decryptClientMessage(authKey: Buffer, packet: Buffer): ClientMessage | null {
  if (packet.length < 24 + 32 || (packet.length - 24) % 16 !== 0) return null;
  const msgKey = packet.subarray(8, 24);
  const { key, iv } = aesKeyIv(authKey, msgKey, 0);
  const plain = new IGE(key, iv).decryptIge(packet.subarray(24));
  if (!sha256(authKey.subarray(88, 120), plain).subarray(8, 24).equals(msgKey)) return null;
  const length = plain.readInt32LE(28);
  if (length < 0 || 32 + length > plain.length) return null;
  return {
    salt: plain.subarray(0, 8),
    sessionId: plain.readBigInt64LE(8),
    msgId: plain.readBigInt64LE(16),
    seqNo: plain.readInt32LE(24),
    body: plain.subarray(32, 32 + length),
  };
}

export function encryptServerMessage(
  authKey: Buffer, keyId: Buffer, salt: Buffer, sessionId: bigint, msgId: bigint, seqNo: number, body: Buffer,
): Buffer {
  const head = Buffer.alloc(32);
  salt.copy(head, 0);
  head.writeBigInt64LE(sessionId, 8);
  head.writeBigInt64LE(msgId, 16);
  head.writeInt32LE(seqNo, 24);
  head.writeInt32LE(body.length, 28);
  // 12 to 27 bytes of padding, a multiple of 16 in all, as MTProto 2.0 requires.
  const paddingLength = 12 + ((16 - ((head.length + body.length + 12) % 16)) % 16);
  const plain = Buffer.concat([head, body, randomBytes(paddingLength)]);
  const msgKey = sha256(authKey.subarray(96, 128), plain).subarray(8, 24);
  const { key, iv } = aesKeyIv(authKey, msgKey, 8);
  return Buffer.concat([keyId, msgKey, new IGE(key, iv).encryptIge(plain)]);
}
