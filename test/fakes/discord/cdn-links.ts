/**
 * Discord's signed CDN links, kept apart because clients must cope with
 * them: since late 2023 Discord hands out attachment URLs only as
 * `…/attachments/{channel}/{attachment}/{file}?ex=…&is=…&hm=…&`, where
 * `ex` (expiry) and `is` (issued at) are unix seconds in lower-case hex and
 * `hm` a signature over them. A link without them, with a bad signature or
 * past `ex` answers 404 "This content is no longer available.". Discord
 * signs afresh whenever it serves a payload carrying links (fetching a
 * message again gives links valid for the TTL from then), and
 * POST /attachments/refresh-urls signs any link it is given (the links "do
 * not have to be valid or signed"; other query parameters are kept). A
 * relay that keeps URLs and downloads later meets all of this.
 *
 * The fake signs with HMAC-SHA256 (hex) under a secret of its own, over the
 * path, `ex` and `is`, on a clock tests may move forward; the HTTP server
 * and the refresh route (rest-server.ts, rest-routes.ts) use what is here.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The body of the CDN's 404 for an unsigned, badly signed or expired link. */
export const CONTENT_GONE = 'This content is no longer available.';

/** Why a link does or does not open. */
export type LinkCheck = 'valid' | 'unsigned' | 'bad-signature' | 'expired';

const SIGNATURE_PARAMS = ['ex', 'is', 'hm'] as const;
const HEX_SECONDS = /^[0-9a-f]{1,12}$/;
const HEX_SIGNATURE = /^[0-9a-f]{64}$/;
const ATTACHMENT_PATH = /^\/attachments\/(\d{1,21})\/(\d{1,21})\/[^/]+$/;

/** The channel and attachment an attachment path names, or null for any other path. */
export function attachmentPath(pathname: string): { channelId: string; attachmentId: string } | null {
  const m = ATTACHMENT_PATH.exec(pathname);
  return m === null ? null : { channelId: m[1]!, attachmentId: m[2]! };
}

/** `hm` for a path, expiry and issue time (hex strings as they stand in the link). */
export function linkSignature(secret: Buffer, pathname: string, ex: string, is: string): string {
  return createHmac('sha256', secret).update(`${pathname}\n${ex}\n${is}`).digest('hex');
}

/**
 * The link signed at `nowMs` for `ttlMs` (the expiry rounded up to a whole
 * second, so it lasts at least that long), with Discord's layout:
 * `?ex=…&is=…&hm=…&` first, any other query parameters kept after them.
 */
export function signLink(secret: Buffer, url: URL, nowMs: number, ttlMs: number): string {
  const is = Math.floor(nowMs / 1000).toString(16);
  const ex = expirySeconds(nowMs, ttlMs).toString(16);
  const others = new URLSearchParams(url.search);
  for (const p of SIGNATURE_PARAMS) others.delete(p);
  return `${url.origin}${url.pathname}?ex=${ex}&is=${is}&hm=${linkSignature(secret, url.pathname, ex, is)}&${others.toString()}`;
}

/** Whether a requested link opens at `nowMs`: signed by `secret` for this path and not past `ex`. */
export function checkLink(secret: Buffer, pathname: string, query: URLSearchParams, nowMs: number): LinkCheck {
  const ex = query.get('ex');
  const is = query.get('is');
  const hm = query.get('hm');
  if (ex === null || is === null || hm === null) return 'unsigned';
  if (!HEX_SECONDS.test(ex) || !HEX_SECONDS.test(is) || !HEX_SIGNATURE.test(hm)) return 'bad-signature';
  if (!timingSafeEqual(Buffer.from(linkSignature(secret, pathname, ex, is), 'hex'), Buffer.from(hm, 'hex'))) return 'bad-signature';
  return nowMs < Number.parseInt(ex, 16) * 1000 ? 'valid' : 'expired';
}

function expirySeconds(nowMs: number, ttlMs: number): number {
  return Math.ceil((nowMs + ttlMs) / 1000);
}

/**
 * One fake's signer: its secret, the links' lifetime and the CDN clock
 * (real time plus what tests advanced it by; nothing else in the fake
 * moves with it).
 */
export class CdnLinks {
  readonly ttlMs: number;
  readonly #secret = randomBytes(32);
  #offsetMs = 0;
  /** The latest expiry handed out, ms on the CDN clock. */
  #latestExpiryMs = 0;

  constructor(ttlMs: number) {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new Error(`attachmentUrlTtlMs must be a positive number of ms, not ${ttlMs}`);
    this.ttlMs = ttlMs;
  }

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
  }

  /** Moves the clock to the latest expiry handed out: every link signed so far is expired, those signed from now on are fresh. */
  expireAll(): void {
    this.#offsetMs += Math.max(0, this.#latestExpiryMs - this.now());
  }

  /** A fresh link for `url` (unsigned, or signed before: its signature is replaced). */
  sign(url: string): string {
    const now = this.now();
    this.#latestExpiryMs = Math.max(this.#latestExpiryMs, expirySeconds(now, this.ttlMs) * 1000);
    return signLink(this.#secret, new URL(url), now, this.ttlMs);
  }

  check(pathname: string, query: URLSearchParams): LinkCheck {
    return checkLink(this.#secret, pathname, query, this.now());
  }

  /**
   * What refresh-urls answers for `raw`: an attachment link of this fake
   * (`origin`), signed or not, expired or not, attachment still there or
   * not, comes back freshly signed. Anything else comes back unchanged:
   * Discord documents no answer for a URL that is not one of its
   * attachment links, and clients (which map `original` to `refreshed`)
   * then keep what they had.
   */
  refresh(raw: string, origin: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return raw;
    }
    return url.origin === origin && attachmentPath(url.pathname) !== null ? this.sign(url.href) : raw;
  }
}
