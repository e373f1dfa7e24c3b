/**
 * Seals short secrets (Telegram session strings, bot tokens, TOTP secrets)
 * for storage with AES-256-GCM. Pure: no I/O beyond the random nonce.
 *
 * Envelope format, version 1 (ASCII, safe in any text column):
 *
 *     v1.<keyId>.<nonce>.<ciphertext>.<tag>
 *
 * - `keyId`: the keyring id of the sealing key (`[A-Za-z0-9_-]{1,32}`, never
 *   contains `.`), so old secrets still open after a new key becomes current.
 * - `nonce`: 12 random bytes, fresh per value (16 base64url characters).
 * - `ciphertext`: same length as the UTF-8 plaintext (empty for `""`).
 * - `tag`: 16-byte GCM tag (22 base64url characters).
 *
 * Binary parts are unpadded base64url in canonical form. The additional
 * authenticated data is `v1.<keyId>.<context>`, where `context` names where
 * the value lives (`<table>.<column>:<rowId>`, see {@link columnContext}), so
 * a ciphertext copied to another row or column, or relabelled with another
 * key id, fails to open instead of yielding someone else's secret.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretKeyUnknownError, SecretMalformedError, SecretTamperedError } from '../errors/registry.ts';
import type { Keyring } from './keyring.ts';

/** Version tag every envelope this module writes starts with. */
export const ENVELOPE_VERSION = 'v1';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const ENVELOPE = /^v1\.([A-Za-z0-9_-]{1,32})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;

interface Envelope {
  keyId: string;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** The AAD context of a secret stored in `table.column` of row `id`. */
export function columnContext(table: string, column: string, id: string | number | bigint): string {
  return `${table}.${column}:${id}`;
}

/** The text every envelope sealed with `keyId` starts with, for SQL prefix filters. */
export function envelopePrefix(keyId: string): string {
  return `${ENVELOPE_VERSION}.${keyId}.`;
}

/** Seals `plaintext` under the keyring's current key, bound to `context`. */
export function sealSecret(keyring: Keyring, plaintext: string, context: string): string {
  // A lone surrogate would be silently replaced by U+FFFD in UTF-8 and come
  // back as a different string; refuse rather than corrupt a credential.
  if (!plaintext.isWellFormed()) throw new TypeError('sealSecret: plaintext is not well-formed Unicode');
  const keyId = keyring.current;
  const key = keyOf(keyring, keyId);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(keyId, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [ENVELOPE_VERSION, keyId, b64(nonce), b64(ciphertext), b64(tag)].join('.');
}

/**
 * Opens an envelope made by {@link sealSecret} with the same `context`.
 * Throws SecretMalformedError, SecretKeyUnknownError or SecretTamperedError;
 * no message ever carries the plaintext, the ciphertext or a key.
 */
export function openSecret(keyring: Keyring, envelope: string, context: string): string {
  const { keyId, nonce, ciphertext, tag } = parse(envelope);
  const key = keyOf(keyring, keyId);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(keyId, context));
  decipher.setAuthTag(tag);
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    // Dropped on purpose: OpenSSL's message says nothing useful and the
    // ciphertext must not leak through a cause chain.
    throw new SecretTamperedError({ keyId });
  }
  return plain.toString('utf8');
}

/** The id of the key an envelope was sealed with (SecretMalformedError if it is not one). */
export function envelopeKeyId(envelope: string): string {
  return parse(envelope).keyId;
}

function parse(envelope: string): Envelope {
  const m = typeof envelope === 'string' ? ENVELOPE.exec(envelope) : null;
  if (!m) throw new SecretMalformedError({});
  const [, keyId, nonce, ciphertext, tag] = m as unknown as [string, string, string, string, string];
  return { keyId, nonce: unb64(nonce), ciphertext: unb64(ciphertext), tag: unb64(tag) };
}

function keyOf(keyring: Keyring, keyId: string): Buffer {
  const key = keyring.keys.get(keyId);
  if (!key) throw new SecretKeyUnknownError({ keyId });
  return key;
}

function aad(keyId: string, context: string): Buffer {
  return Buffer.from(`${ENVELOPE_VERSION}.${keyId}.${context}`, 'utf8');
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}

/**
 * Node's base64url decoder ignores stray trailing bits, so two texts could
 * decode to the same bytes; requiring the canonical form keeps one envelope
 * per value and makes every character change detectable.
 */
function unb64(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) throw new SecretMalformedError({});
  return bytes;
}
