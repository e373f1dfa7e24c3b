/**
 * Auth keys the fake has agreed with clients, by key id, kept for the fake's
 * life like Telegram keeps them, so a client that saved its StringSession
 * reconnects without a new handshake. A key is bound to a user once a login
 * on it succeeds; the index by user is what pushes and revocations walk.
 */
import { randomBytes } from 'node:crypto';
import { authKeyId } from './mtproto-crypto.ts';

/** What the key store needs of a connection. */
export interface KeyConnection {
  readonly open: boolean;
  /** Answers nothing and pushes nothing while set. */
  zombie: boolean;
  /** Sends an object outside of any RPC answer (an update). */
  push(body: Buffer): void;
  close(): void;
}

export interface SrpChallenge {
  readonly id: string;
  readonly b: Buffer;
  readonly B: Buffer;
}

export interface AuthKeyRecord {
  /** Hex of the 8 key-id bytes as they travel. */
  readonly id: string;
  readonly idBytes: Buffer;
  readonly key: Buffer;
  /** The server salt told to clients in new_session_created (any salt is accepted back). */
  readonly salt: Buffer;
  userId: string | null;
  /** After SESSION_REVOKED / USER_DEACTIVATED_BAN: what methods needing a login answer. */
  revokedWith: string | null;
  /** The user whose code was right but who still owes the 2FA password. */
  passwordUserId: string | null;
  /** The last account.getPassword's SRP parameters; one check may use them. */
  srp: SrpChallenge | null;
  /** Open connections that sent encrypted messages on this key. */
  readonly connections: Set<KeyConnection>;
  destroyed: boolean;
}

export class AuthKeys {
  readonly #byId = new Map<string, AuthKeyRecord>();
  readonly #byUser = new Map<string, Set<AuthKeyRecord>>();

  get size(): number {
    return this.#byId.size;
  }

  add(key: Buffer): AuthKeyRecord {
    const id = authKeyId(key);
    const record: AuthKeyRecord = {
      id, idBytes: Buffer.from(id, 'hex'), key, salt: randomBytes(8), userId: null, revokedWith: null,
      passwordUserId: null, srp: null, connections: new Set(), destroyed: false,
    };
    this.#byId.get(id)?.connections.forEach((c) => c.close());
    this.#byId.set(id, record);
    return record;
  }

  get(id: string): AuthKeyRecord | undefined {
    return this.#byId.get(id);
  }

  bind(record: AuthKeyRecord, userId: string | null): void {
    if (record.userId !== null) this.#byUser.get(record.userId)?.delete(record);
    record.userId = userId;
    record.passwordUserId = null;
    record.srp = null;
    if (userId === null) return;
    record.revokedWith = null;
    let keys = this.#byUser.get(userId);
    if (keys === undefined) this.#byUser.set(userId, (keys = new Set()));
    keys.add(record);
  }

  ofUser(userId: string): AuthKeyRecord[] {
    return [...(this.#byUser.get(userId) ?? [])];
  }

  /** Forgets the key: later packets on it get transport error 404, as from Telegram. */
  destroy(record: AuthKeyRecord): void {
    this.bind(record, null);
    record.destroyed = true;
    this.#byId.delete(record.id);
  }
}
