/**
 * One client TCP connection: the full transport, the plain messages of a
 * handshake, then encrypted MTProto 2.0 messages. Service messages are
 * handled here (containers, gzip_packed, msgs_ack, ping, destroy_session,
 * new_session_created on a new session id, ping_delay_disconnect, which
 * closes a connection that then stops pinging, as Telegram does); RPC requests go
 * to the host and their results come back in rpc_result. Packets of one
 * connection are handled in order, one at a time, as a client expects of
 * its requests. Per-connection state is a few fields: the fake holds
 * thousands of these.
 *
 * Modelling limits: any server salt and any client msg_id/seq_no are
 * accepted (so bad_server_salt and bad_msg_notification are never sent), and
 * the server does not ack what it received (gramjs does not need acks).
 */
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { AuthKeyRecord, AuthKeys, KeyConnection } from './auth-keys.ts';
import { Handshake } from './handshake.ts';
import { decryptClientMessage, encryptServerMessage } from './mtproto-crypto.ts';
import type { ClientMessage } from './mtproto-crypto.ts';
import { RpcFail } from './rpc-fail.ts';
import type { ServerRsaKey } from './rsa-key.ts';
import { Api, BinaryReader, CORE, big, readObject, resultBytes, rpcErrorBytes, rpcResultBytes } from './tl-io.ts';
import type { TlResult } from './tl-io.ts';
import { FullTransport } from './transport.ts';

export interface ConnectionHost {
  readonly rsa: ServerRsaKey;
  readonly keys: AuthKeys;
  readonly enforceSingleConnection: boolean;
  onHandshake(): void;
  onDuplicateKey(): void;
  /** Answers one RPC request (throws RpcFail for an rpc_error). */
  call(connection: MtprotoConnection, key: AuthKeyRecord, request: unknown): Promise<TlResult>;
  onClose(connection: MtprotoConnection): void;
}

let lastMsgId = 0n;

/** Server msg_ids: unix time × 2^32, increasing; ≡ 1 (mod 4) for responses, 3 otherwise. */
function nextMsgId(response: boolean): bigint {
  const ms = BigInt(Date.now());
  let id = ((ms / 1000n) << 32n) | (((ms % 1000n) * 4_294_967n) & ~3n);
  if (id <= lastMsgId) id = lastMsgId + 4n;
  id = (id & ~3n) | (response ? 1n : 3n);
  lastMsgId = id;
  return id;
}

export class MtprotoConnection implements KeyConnection {
  readonly #socket: Socket;
  readonly #host: ConnectionHost;
  readonly #transport = new FullTransport();
  #handshake: Handshake | null = null;
  #key: AuthKeyRecord | null = null;
  #sessionId: bigint | null = null;
  #seq = 0;
  #open = true;
  #queue: Promise<void> = Promise.resolve();
  #disconnectTimer: NodeJS.Timeout | null = null;
  /** Answers nothing and pushes nothing while set (the control API's zombie). */
  zombie = false;

  constructor(socket: Socket, host: ConnectionHost) {
    this.#socket = socket;
    this.#host = host;
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => this.#onData(data));
    socket.on('error', () => this.close());
    socket.on('end', () => this.close());
    socket.on('close', () => this.close());
  }

  get open(): boolean {
    return this.#open;
  }

  /** The user logged in on this connection's key, if any. */
  get userId(): string | null {
    return this.#key?.userId ?? null;
  }

  get key(): AuthKeyRecord | null {
    return this.#key;
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    if (this.#disconnectTimer !== null) clearTimeout(this.#disconnectTimer);
    this.#key?.connections.delete(this);
    this.#socket.destroy();
    this.#host.onClose(this);
  }

  /** Sends an update (or any object) outside of an RPC answer; dropped before the first encrypted message. */
  push(body: Buffer): void {
    this.#send(body, true, false);
  }

  #onData(data: Buffer): void {
    let packets: Buffer[];
    try {
      packets = this.#transport.push(data);
    } catch {
      this.close();
      return;
    }
    for (const packet of packets) {
      this.#queue = this.#queue.then(() => this.#onPacket(packet)).catch(() => this.close());
    }
  }

  async #onPacket(packet: Buffer): Promise<void> {
    if (!this.#open) return;
    if (packet.length >= 20 && packet.readBigUInt64LE(0) === 0n) await this.#onPlain(packet);
    else await this.#onEncrypted(packet);
  }

  async #onPlain(packet: Buffer): Promise<void> {
    const body = packet.subarray(20, 20 + packet.readInt32LE(16));
    this.#handshake ??= new Handshake(this.#host.rsa);
    const answer = await this.#handshake.handle(readObject(body));
    let bytes: Buffer;
    if ('authKey' in answer) {
      this.#host.keys.add(answer.authKey);
      this.#host.onHandshake();
      this.#handshake = null;
      bytes = answer.answer.getBytes();
    } else {
      bytes = answer.getBytes();
    }
    const head = Buffer.alloc(20);
    head.writeBigInt64LE(nextMsgId(true), 8);
    head.writeInt32LE(bytes.length, 16);
    this.#write(this.#transport.encode(Buffer.concat([head, bytes])));
  }

  async #onEncrypted(packet: Buffer): Promise<void> {
    const record = this.#host.keys.get(packet.subarray(0, 8).toString('hex'));
    if (record === undefined) {
      this.#write(this.#transport.encodeError(404));
      return;
    }
    const message = decryptClientMessage(record.key, packet);
    if (message === null) {
      this.close();
      return;
    }
    if (this.zombie) return;
    if (this.#key !== record && !this.#attach(record, message)) return;
    if (this.#sessionId !== message.sessionId) {
      this.#sessionId = message.sessionId;
      this.#seq = 0;
      const created = new Api.NewSessionCreated({
        firstMsgId: big(message.msgId), uniqueId: big(randomBytes(8).readBigInt64LE(0)), serverSalt: big(record.salt.readBigInt64LE(0)),
      });
      this.#send(created.getBytes(), false, false);
    }
    await this.#handle(message.msgId, message.body);
  }

  /**
   * Starts using `record` on this connection. Another open connection that
   * used the key too is AUTH_KEY_DUPLICATED: counted always, and with
   * enforcement answered with 406 and the key forgotten, as Telegram does.
   */
  #attach(record: AuthKeyRecord, message: ClientMessage): boolean {
    const others = [...record.connections].filter((c) => c !== this && c.open);
    this.#key?.connections.delete(this);
    this.#key = record;
    record.connections.add(this);
    if (others.length === 0) return true;
    this.#host.onDuplicateKey();
    if (!this.#host.enforceSingleConnection) return true;
    this.#sessionId = message.sessionId;
    for (const msgId of requestIds(message)) this.#send(rpcErrorBytes(msgId, 406, 'AUTH_KEY_DUPLICATED'), true, true);
    this.#host.keys.destroy(record);
    return false;
  }

  async #handle(msgId: bigint, body: Buffer): Promise<void> {
    const constructor = body.readUInt32LE(0);
    if (constructor === CORE.msgContainer) {
      for (const inner of containerMessages(body)) await this.#handle(inner.msgId, inner.body);
      return;
    }
    if (constructor === CORE.gzipPacked) {
      await this.#handle(msgId, gunzipSync(new BinaryReader(body.subarray(4)).tgReadBytes()));
      return;
    }
    let request: unknown;
    try {
      request = readObject(body);
    } catch {
      this.#send(rpcErrorBytes(msgId, 400, 'INPUT_METHOD_INVALID'), true, true);
      return;
    }
    if (request instanceof Api.MsgsAck || request instanceof Api.MsgsStateReq || request instanceof Api.MsgResendReq) return;
    if (request instanceof Api.Ping || request instanceof Api.PingDelayDisconnect) {
      if (request instanceof Api.PingDelayDisconnect) this.#armDisconnect(request.disconnectDelay);
      this.#send(new Api.Pong({ msgId: big(msgId), pingId: request.pingId }).getBytes(), true, true);
      return;
    }
    if (request instanceof Api.DestroySession) {
      this.#send(rpcResultBytes(msgId, new Api.DestroySessionNone({ sessionId: request.sessionId }).getBytes()), true, true);
      return;
    }
    const key = this.#key!;
    let answer: Buffer;
    try {
      answer = rpcResultBytes(msgId, resultBytes(await this.#host.call(this, key, request)));
    } catch (error) {
      answer = error instanceof RpcFail
        ? rpcErrorBytes(msgId, error.code, error.errorMessage)
        : rpcErrorBytes(msgId, 500, `INTERNAL_FAKE_ERROR: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.#send(answer, true, true);
  }

  /** ping_delay_disconnect: Telegram closes the connection when no ping came for that long. */
  #armDisconnect(seconds: number): void {
    if (this.#disconnectTimer !== null) clearTimeout(this.#disconnectTimer);
    this.#disconnectTimer = seconds > 0 ? setTimeout(() => this.close(), seconds * 1000).unref() : null;
  }

  #send(body: Buffer, contentRelated: boolean, response: boolean): void {
    const key = this.#key;
    if (!this.#open || this.zombie || key === null || this.#sessionId === null) return;
    const seqNo = contentRelated ? this.#seq++ * 2 + 1 : this.#seq * 2;
    const packet = encryptServerMessage(key.key, key.idBytes, key.salt, this.#sessionId, nextMsgId(response), seqNo, body);
    this.#write(this.#transport.encode(packet));
  }

  #write(data: Buffer): void {
    if (this.#open) this.#socket.write(data);
  }
}

function containerMessages(body: Buffer): Array<{ msgId: bigint; seqNo: number; body: Buffer }> {
  const count = body.readInt32LE(4);
  const out: Array<{ msgId: bigint; seqNo: number; body: Buffer }> = [];
  let offset = 8;
  for (let i = 0; i < count; i += 1) {
    const length = body.readInt32LE(offset + 12);
    out.push({ msgId: body.readBigInt64LE(offset), seqNo: body.readInt32LE(offset + 8), body: body.subarray(offset + 16, offset + 16 + length) });
    offset += 16 + length;
  }
  return out;
}

/** Msg ids of the content-related messages (requests) in a message, unwrapping a container. */
function requestIds(message: ClientMessage): bigint[] {
  if (message.body.readUInt32LE(0) !== CORE.msgContainer) return [message.msgId];
  return containerMessages(message.body).filter((m) => m.seqNo % 2 === 1).map((m) => m.msgId);
}
