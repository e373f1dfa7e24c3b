/**
 * Creating an auth key, server side (core.telegram.org/mtproto/auth_key),
 * mirroring gramjs's Authenticator step by step: req_pq_multi → resPQ,
 * req_DH_params (RSA_PAD-encrypted p_q_inner_data) → server_DH_params_ok,
 * set_client_DH_params → dh_gen_ok. The key is gramjs's byte form of
 * g^ab mod p (no leading zeros), so both sides hash the same bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
// The package entry first: gramjs's modules import each other in a cycle that only its index resolves.
import 'telegram';
import { AuthKey } from 'telegram/crypto/AuthKey.js';
import { IGE } from 'telegram/crypto/IGE.js';
import { generateKeyDataFromNonce, readBigIntFromBuffer } from 'telegram/Helpers.js';
import { G, PRIME, PRIME_BYTES, modPow, toBigInt } from './prime.ts';
import type { ServerRsaKey } from './rsa-key.ts';
import { Api, BinaryReader, big } from './tl-io.ts';
import type { BigInteger, TlObject } from './tl-io.ts';

// Telegram's pq is ~2^62 (factoring it costs gramjs ~40 ms of CPU per handshake); this one is
// ~2^48 (~3 ms), which matters when a benchmark makes a thousand sessions. Clients do not check its size.
const P = 16_777_199n;
const Q = 16_777_213n;
const PQ = P * Q;

export class HandshakeError extends Error {}

export interface HandshakeDone {
  answer: TlObject;
  /** The new key's bytes, as gramjs holds them. */
  authKey: Buffer;
}

/** One connection's progress through the three round trips. */
export class Handshake {
  readonly #rsa: ServerRsaKey;
  #nonce: BigInteger | null = null;
  #serverNonce: BigInteger | null = null;
  #newNonce: BigInteger | null = null;
  #a: Buffer | null = null;
  #tmp: { key: Buffer; iv: Buffer } | null = null;

  constructor(rsa: ServerRsaKey) {
    this.#rsa = rsa;
  }

  /** The answer to one plain message; `authKey` is set once the key exists. */
  async handle(request: unknown): Promise<HandshakeDone | TlObject> {
    if (request instanceof Api.ReqPqMulti || request instanceof Api.ReqPq) return this.#resPq(request.nonce);
    if (request instanceof Api.ReqDHParams) return this.#dhParams(request);
    if (request instanceof Api.SetClientDHParams) return this.#clientDh(request);
    throw new HandshakeError(`unexpected plain message ${describe(request)}`);
  }

  #resPq(nonce: BigInteger): TlObject {
    this.#nonce = nonce;
    this.#serverNonce = readBigIntFromBuffer(randomBytes(16), true, true);
    return new Api.ResPQ({
      nonce,
      serverNonce: this.#serverNonce,
      // Eight bytes like Telegram's: gramjs reads pq as signed, so its top bit must stay clear.
      pq: Buffer.from(PQ.toString(16).padStart(16, '0'), 'hex'),
      serverPublicKeyFingerprints: [big(this.#rsa.fingerprint)],
    });
  }

  async #dhParams(request: Api.ReqDHParams): Promise<TlObject> {
    this.#checkNonces(request.nonce, request.serverNonce);
    if (request.publicKeyFingerprint.toString() !== this.#rsa.fingerprint) throw new HandshakeError('unknown key fingerprint');
    if (toBigInt(request.p) !== P || toBigInt(request.q) !== Q) throw new HandshakeError('wrong factors of pq');
    const inner = this.#unpadRsa(request.encryptedData);
    if (!(inner instanceof Api.PQInnerData || inner instanceof Api.PQInnerDataDc)) throw new HandshakeError('bad p_q_inner_data');
    this.#checkNonces(inner.nonce, inner.serverNonce);
    this.#newNonce = inner.newNonce;
    this.#a = randomBytes(256);
    const gA = modPow(BigInt(G), this.#a);
    const answer = new Api.ServerDHInnerData({
      nonce: inner.nonce,
      serverNonce: inner.serverNonce,
      g: G,
      dhPrime: PRIME_BYTES,
      gA,
      serverTime: Math.floor(Date.now() / 1000),
    }).getBytes();
    this.#tmp = await generateKeyDataFromNonce(inner.serverNonce, inner.newNonce);
    const hashed = Buffer.concat([createHash('sha1').update(answer).digest(), answer]);
    const encryptedAnswer = new IGE(this.#tmp.key, this.#tmp.iv).encryptIge(hashed);
    return new Api.ServerDHParamsOk({ nonce: inner.nonce, serverNonce: inner.serverNonce, encryptedAnswer });
  }

  /** RSA_PAD, undone: RSA → temp_key_xor ‖ aes_encrypted → AES-IGE → reversed data ‖ SHA256(temp_key ‖ data). */
  #unpadRsa(encrypted: Buffer): unknown {
    if (encrypted.length !== 256) throw new HandshakeError('encrypted_data must be 256 bytes');
    const plain = this.#rsa.decrypt(encrypted);
    const aesEncrypted = plain.subarray(32);
    const digest = createHash('sha256').update(aesEncrypted).digest();
    const tempKey = Buffer.alloc(32);
    for (let i = 0; i < 32; i += 1) tempKey[i] = plain[i]! ^ digest[i]!;
    const dataWithHash = new IGE(tempKey, Buffer.alloc(32)).decryptIge(aesEncrypted);
    const data = Buffer.from(dataWithHash.subarray(0, 192)).reverse();
    const check = createHash('sha256').update(Buffer.concat([tempKey, data])).digest();
    if (!check.equals(dataWithHash.subarray(192, 224))) throw new HandshakeError('RSA_PAD hash mismatch');
    return new BinaryReader(data).tgReadObject() as unknown;
  }

  async #clientDh(request: Api.SetClientDHParams): Promise<HandshakeDone> {
    this.#checkNonces(request.nonce, request.serverNonce);
    if (this.#tmp === null || this.#a === null || this.#newNonce === null) throw new HandshakeError('set_client_DH_params before req_DH_params');
    const plain = new IGE(this.#tmp.key, this.#tmp.iv).decryptIge(request.encryptedData);
    const inner = new BinaryReader(plain.subarray(20)).tgReadObject() as unknown;
    if (!(inner instanceof Api.ClientDHInnerData)) throw new HandshakeError('bad client_DH_inner_data');
    const innerLength = inner.getBytes().length;
    if (!createHash('sha1').update(plain.subarray(20, 20 + innerLength)).digest().equals(plain.subarray(0, 20))) {
      throw new HandshakeError('client_DH_inner_data hash mismatch');
    }
    const gB = toBigInt(inner.gB);
    if (gB <= 1n || gB >= PRIME - 1n) throw new HandshakeError('g_b out of range');
    const gab = modPow(gB, this.#a);
    let start = 0;
    while (start < gab.length - 1 && gab[start] === 0) start += 1;
    const authKey = Buffer.from(gab.subarray(start));
    const key = new AuthKey();
    await key.setKey(authKey);
    const newNonceHash1 = await key.calcNewNonceHash(this.#newNonce, 1);
    this.#a = null;
    this.#tmp = null;
    return { answer: new Api.DhGenOk({ nonce: request.nonce, serverNonce: request.serverNonce, newNonceHash1 }), authKey };
  }

  #checkNonces(nonce: BigInteger, serverNonce: BigInteger): void {
    if (this.#nonce === null || this.#serverNonce === null || !nonce.eq(this.#nonce) || !serverNonce.eq(this.#serverNonce)) {
      throw new HandshakeError('nonce mismatch');
    }
  }
}

function describe(value: unknown): string {
  return typeof value === 'object' && value !== null && 'className' in value ? String(value.className) : typeof value;
}
