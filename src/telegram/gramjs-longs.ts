/**
 * gramjs reads and writes every 64-bit integer of the protocol (message
 * ids, salts, access hashes, random ids) with two helpers that go through
 * big-integer by way of hex and binary strings. Under load that was a
 * quarter of a Telegram thread's CPU and much of its garbage (bench
 * forward-telegram). These are the same two helpers on native BigInt, with
 * the same results (test/unit/telegram/gramjs-longs.test.ts checks them
 * against gramjs's own), put in place of gramjs's on its Helpers module
 * before the rest of gramjs loads (gramjs-preload.ts).
 */
import { createRequire } from 'node:module';
import bigInt from 'big-integer';

type ReadBigInt = (buffer: Buffer | Uint8Array | number[], little?: boolean, signed?: boolean) => bigInt.BigInteger;
type ToSignedLittle = (big: bigInt.BigInteger | number | bigint | string, number?: number) => Buffer;

interface GramHelpers {
  readBigIntFromBuffer: ReadBigInt;
  toSignedLittleBuffer: ToSignedLittle;
}

// Helpers alone, not the package entry: it loads without the rest, so the helpers can be replaced before
// gramjs's TL layer takes its own references to them (tl/api.js destructures them when it loads).
const helpers = createRequire(import.meta.url)('telegram/Helpers.js') as GramHelpers;

/** gramjs's own helpers, kept for the edge cases left to them and for the tests. */
export const gramjsOriginal: Readonly<GramHelpers> = { readBigIntFromBuffer: helpers.readBigIntFromBuffer, toSignedLittleBuffer: helpers.toSignedLittleBuffer };

/** The integer `buffer` holds (little-endian unless `little` is false; two's complement when `signed`). */
export const readBigIntFromBuffer: ReadBigInt = (buffer, little = true, signed = false) => {
  if (buffer.length === 0) return gramjsOriginal.readBigIntFromBuffer(buffer, little, signed);
  const bytes = Buffer.isBuffer(buffer) ? buffer : Buffer.from(buffer);
  if (bytes.length === 8) {
    return bigInt(little
      ? (signed ? bytes.readBigInt64LE(0) : bytes.readBigUInt64LE(0))
      : (signed ? bytes.readBigInt64BE(0) : bytes.readBigUInt64BE(0)));
  }
  const bigEndian = little ? Buffer.from(bytes).reverse() : bytes;
  let value = BigInt(`0x${bigEndian.toString('hex')}`);
  if (signed && (bigEndian[0]! & 0x80) !== 0) value -= 1n << BigInt(bigEndian.length * 8);
  return bigInt(value);
};

function nativeOf(big: bigInt.BigInteger | number | bigint | string): bigint {
  if (typeof big === 'bigint') return big;
  const integer = bigInt.isInstance(big) ? big : typeof big === 'number' ? bigInt(big) : bigInt(big);
  const value = (integer as unknown as { value?: unknown }).value;
  return typeof value === 'bigint' ? value : BigInt(integer.toString());
}

/** `number` bytes of `big`, little-endian two's complement (the low bytes of a larger value). */
export const toSignedLittleBuffer: ToSignedLittle = (big, number = 8) => {
  const out = Buffer.alloc(number);
  let value = BigInt.asUintN(number * 8, nativeOf(big));
  if (number === 8) {
    out.writeBigUInt64LE(value);
    return out;
  }
  for (let i = 0; i < number; i++) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
};

let installed = false;

/** Puts the helpers above in place of gramjs's; once per thread, before anything imports the `telegram` package. */
export function installFastLongs(): void {
  if (installed) return;
  helpers.readBigIntFromBuffer = readBigIntFromBuffer;
  helpers.toSignedLittleBuffer = toSignedLittleBuffer;
  installed = true;
}
