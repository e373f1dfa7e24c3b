/**
 * The fake's door to gramjs's own TL layer, so every byte it writes or reads
 * is Telegram's wire format by construction: the `Api` classes serialize and
 * parse, and the few things gramjs only ever reads (rpc_result, vectors,
 * Bool, message containers) are written here by hand.
 */
// The package entry first: gramjs's modules import each other in a cycle that only its index resolves.
import 'telegram';
import bigInt from 'big-integer';
import type { BigInteger } from 'big-integer';
import { Api } from 'telegram/tl/index.js';
import { BinaryReader } from 'telegram/extensions/index.js';

export { Api, BinaryReader, bigInt };
export type { BigInteger };

/** Something gramjs can serialize: any `Api` constructor. */
export interface TlObject {
  getBytes(): Buffer;
}

/** What a handler answers: a TL object, or bytes already serialized (vectors, Bool). */
export type TlResult = TlObject | Buffer;

export const CORE = {
  rpcResult: 0xf35c6d01,
  msgContainer: 0x73f1f8dc,
  gzipPacked: 0x3072cfa1,
  vector: 0x1cb5c415,
  boolTrue: 0x997275b5,
  boolFalse: 0xbc799737,
} as const;

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0, 0);
  return b;
}

export function boolBytes(value: boolean): Buffer {
  return u32(value ? CORE.boolTrue : CORE.boolFalse);
}

/** `Vector<T>` of TL objects. */
export function vectorBytes(items: readonly TlObject[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(CORE.vector, 0);
  head.writeInt32LE(items.length, 4);
  return Buffer.concat([head, ...items.map((i) => i.getBytes())]);
}

export function resultBytes(result: TlResult): Buffer {
  return Buffer.isBuffer(result) ? result : result.getBytes();
}

/** `rpc_result req_msg_id:long result:Object`. */
export function rpcResultBytes(reqMsgId: bigint, body: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(CORE.rpcResult, 0);
  head.writeBigInt64LE(reqMsgId, 4);
  return Buffer.concat([head, body]);
}

export function rpcErrorBytes(reqMsgId: bigint, code: number, message: string): Buffer {
  return rpcResultBytes(reqMsgId, new Api.RpcError({ errorCode: code, errorMessage: message }).getBytes());
}

/** gramjs's `long`/`int128` (big-integer) from a decimal string or a bigint. */
export function big(value: string | bigint | number): BigInteger {
  return bigInt(typeof value === 'string' ? value : value.toString());
}

/** A signed 64-bit decimal string of a big-integer (ids and hashes as the fake stores them). */
export function idOf(value: BigInteger): string {
  return value.toString();
}

/** gramjs's TL name for stats and fault rules: `auth.SendCode` → `auth.sendCode`. */
export function tlName(className: string): string {
  const dot = className.lastIndexOf('.');
  const head = className.slice(0, dot + 1);
  const tail = className.slice(dot + 1);
  return head + tail.charAt(0).toLowerCase() + tail.slice(1);
}

/**
 * Parses one TL object (a request or a service message); gramjs throws for
 * unknown constructors. Absent optional fields come out as null, whatever
 * gramjs's types say, so handlers test them with `??` or `typeof`.
 */
export function readObject(body: Buffer): unknown {
  return new BinaryReader(body).tgReadObject() as unknown;
}
