/**
 * MTProto's "full" TCP transport, the one gramjs's ConnectionTCPFull speaks:
 * every packet is `length:int32 seq:int32 payload crc32:uint32`, the length
 * counting all four parts, the sequence counting packets per direction from
 * 0. ConnectionTCPFull sends no tag before its first packet (the abridged
 * and intermediate transports do), so the fake serves only this one.
 */
import { crc32 } from 'node:zlib';

/** Largest packet accepted; Telegram's limit is about 1 MiB of payload. */
const MAX_PACKET = 2 * 1024 * 1024;

export class TransportError extends Error {}

export class FullTransport {
  #pending: Buffer = Buffer.alloc(0);
  #inSeq = 0;
  #outSeq = 0;

  /** Feeds bytes from the socket; returns the payloads of the packets now complete. */
  push(data: Buffer): Buffer[] {
    this.#pending = this.#pending.length === 0 ? data : Buffer.concat([this.#pending, data]);
    const out: Buffer[] = [];
    while (this.#pending.length >= 4) {
      const length = this.#pending.readInt32LE(0);
      if (length < 12 || length > MAX_PACKET) throw new TransportError(`bad packet length ${length}`);
      if (this.#pending.length < length) break;
      const packet = this.#pending.subarray(0, length);
      this.#pending = this.#pending.subarray(length);
      const seq = packet.readInt32LE(4);
      if (seq !== this.#inSeq) throw new TransportError(`packet seq ${seq}, expected ${this.#inSeq}`);
      this.#inSeq += 1;
      if (crc32(packet.subarray(0, length - 4)) !== packet.readUInt32LE(length - 4)) throw new TransportError('bad crc32');
      out.push(Buffer.from(packet.subarray(8, length - 4)));
    }
    return out;
  }

  encode(payload: Buffer): Buffer {
    const head = Buffer.alloc(8);
    head.writeInt32LE(payload.length + 12, 0);
    head.writeInt32LE(this.#outSeq, 4);
    this.#outSeq += 1;
    const body = Buffer.concat([head, payload]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(crc32(body), 0);
    return Buffer.concat([body, crc]);
  }

  /** A transport error as Telegram sends it: the 4-byte negative code as the payload (gramjs: InvalidBufferError). */
  encodeError(code: number): Buffer {
    const payload = Buffer.alloc(4);
    payload.writeInt32LE(-code, 0);
    return this.encode(payload);
  }
}
