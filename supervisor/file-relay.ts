/**
 * The supervisor's file relay: how a Telegram file reaches another platform.
 * Telegram files have no URL; only a session of an account that saw them can
 * read them (upload.getFile). When a task for such a destination is
 * dispatched, the forwarding engine points each Telegram file at a link here
 * (file-link.ts); the destination's actor downloads it like any other URL,
 * and the relay reads it from the source account's actor in 512 KB pieces,
 * one in flight at a time and each written out before the next is asked, so
 * neither the relay nor the source thread ever holds a file whole.
 *
 * Answers follow what the downloader does with them (attachment-source.ts):
 * a 4xx (a bad or expired link, a source that can no longer read the file)
 * makes the file a line with its name and size; a 503 (the source is
 * starting, paused under memory pressure or moving) fails the send as
 * transient, so it is retried once the source is back. A failure after the
 * first bytes cuts the connection, which the downloader also retries.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { FilePiece, FileRead } from '../src/runtime-contracts/actor-contract.ts';
import type { Attachment } from '../src/forwarding/message/neutral-message.ts';
import { FileSourceGoneError, FileSourceUnavailableError, RouteNotFoundError } from '../src/errors/registry.ts';
import { SwitchboardError } from '../src/errors/switchboard-error.ts';
import { checkOptionsObject, checkPositiveInteger, failOption } from '../src/options/option-checks.ts';
import { openFileLink, signFileLink, type FileLinkClaim } from './file-link.ts';
import { runningWorkerOf } from './running-worker.ts';
import type { Supervisor } from './supervisor.ts';

/** Bytes read per upload.getFile: Telegram's largest piece, which divides its 1 MB windows. */
export const PIECE_BYTES = 512 * 1024;

/** Seconds a downloader is told to wait when the source is not connected. */
const RETRY_AFTER_SECONDS = 5;

export interface FileRelayOptions {
  /** Address to bind. Default `127.0.0.1`: the links are for this supervisor's own workers. */
  host?: string;
  /** Port. Default 0: a free one. */
  port?: number;
  /** How long a link may be used after the dispatch that made it, ms. Default 900,000 (15 minutes). */
  linkTtlMs?: number;
}

interface ResolvedOptions {
  host: string;
  port: number;
  linkTtlMs: number;
}

/** Checks `options` once, up front; exact messages as in test/unit/supervisor/file-relay-options.test.ts. */
export function resolveFileRelayOptions(input: unknown = {}): ResolvedOptions {
  const o = checkOptionsObject(input);
  const host = o.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') failOption('host', 'must be a non-empty string');
  const port = o.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) failOption('port', 'must be an integer from 0 to 65535');
  return { host, port, linkTtlMs: checkPositiveInteger('linkTtlMs', o.linkTtlMs ?? 900_000) };
}

/** What the relay needs of the supervisor: where an account's actor runs, and a way to call it. */
type SourceRead = (accountId: string, read: FileRead) => Promise<FilePiece>;

/** Reads through the supervisor's session table; absent or revoked sources are gone, the others not ready yet. */
function readerOf(supervisor: Supervisor): SourceRead {
  return async (accountId, read) => {
    const { record, worker } = runningWorkerOf(supervisor, accountId);
    if (record === undefined || record.state === 'revoked') throw new FileSourceGoneError({ reason: `account ${accountId} does not run under this supervisor` });
    if (worker === undefined) throw new FileSourceUnavailableError({ reason: `account ${accountId} is ${record.state}` });
    try {
      return await worker.call<FilePiece>(async (api) => (await api.readFile(accountId, read)) as FilePiece);
    } catch (error) {
      throw new FileSourceUnavailableError({ reason: error instanceof Error ? error.message : String(error) }, { cause: error });
    }
  };
}

function answer(res: ServerResponse, error: SwitchboardError): void {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (error.status === 503) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  res.writeHead(error.status, headers).end(JSON.stringify(error.toJSON()));
}

export class FileRelay {
  readonly #server: Server;
  readonly #key = randomBytes(32);
  readonly #read: SourceRead;
  readonly #log: Logger;
  readonly #ttlMs: number;
  #base = '';

  private constructor(read: SourceRead, logger: Logger, options: ResolvedOptions) {
    this.#read = read;
    this.#log = logger;
    this.#ttlMs = options.linkTtlMs;
    this.#server = createServer((req, res) => void this.#serve(req, res));
  }

  /** Starts a relay reading from `supervisor`'s actors. */
  static async start(supervisor: Supervisor, logger: Logger, options?: FileRelayOptions): Promise<FileRelay> {
    return FileRelay.over(readerOf(supervisor), logger, options);
  }

  /** A relay over any reader (the supervisor's, or a test's). */
  static async over(read: SourceRead, logger: Logger, options?: FileRelayOptions): Promise<FileRelay> {
    const resolved = resolveFileRelayOptions(options);
    const relay = new FileRelay(read, logger, resolved);
    await new Promise<void>((resolve, reject) => {
      relay.#server.once('error', reject);
      relay.#server.listen(resolved.port, resolved.host, () => resolve());
    });
    const { address, port } = relay.#server.address() as AddressInfo;
    relay.#base = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
    return relay;
  }

  /** `http://host:port`. */
  get url(): string {
    return this.#base;
  }

  /** A link to `attachment` as `accountId` reads it in `chatId`; null for a file that is not Telegram's. */
  linkFor(accountId: string, chatId: string, attachment: Attachment, now = Date.now()): string | null {
    if (attachment.telegram === undefined) return null;
    const token = signFileLink(this.#key, { accountId, chatId, ref: attachment.telegram, sizeBytes: attachment.sizeBytes, expiresAt: now + this.#ttlMs });
    return `${this.#base}/files/${token}`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/files\/([A-Za-z0-9_.-]+)$/.exec(req.url ?? '');
    if (req.method !== 'GET' || match === null) {
      answer(res, new RouteNotFoundError({ method: req.method ?? '', path: (req.url ?? '').slice(0, 100) }));
      return;
    }
    let claim: FileLinkClaim;
    let first: Uint8Array;
    try {
      claim = openFileLink(this.#key, match[1]!, Date.now());
      // The first piece before any header: a file that cannot be read answers a status, not a broken body.
      first = await this.#piece(claim, 0);
    } catch (error) {
      if (error instanceof SwitchboardError) answer(res, error);
      else {
        this.#log.warn({ err: error }, 'file relay: the first piece could not be read');
        answer(res, new FileSourceUnavailableError({ reason: error instanceof Error ? error.message : String(error) }));
      }
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
    let offset = 0;
    let piece = first;
    try {
      for (;;) {
        if (piece.length > 0 && !res.write(piece)) await once(res, 'drain');
        offset += piece.length;
        // A short piece is the end (Telegram's announced sizes are not exact enough to stop on).
        if (piece.length < PIECE_BYTES || res.destroyed) break;
        piece = await this.#piece(claim, offset);
      }
      res.end();
    } catch (error) {
      this.#log.warn({ err: error, offset }, 'file relay: a read failed part-way; the download is cut and will be retried');
      res.destroy();
    }
  }

  /** One piece; a renewed reference is kept in the claim for the next. */
  async #piece(claim: FileLinkClaim, offset: number): Promise<Uint8Array> {
    const piece = await this.#read(claim.accountId, { ref: claim.ref, chatId: claim.chatId, offset, limit: PIECE_BYTES });
    if ('gone' in piece) throw new FileSourceGoneError({ reason: piece.gone });
    if (piece.ref !== undefined) claim.ref = piece.ref;
    return piece.bytes;
  }
}
