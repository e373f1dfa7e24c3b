/**
 * The token of a file relay link (file-relay.ts): which account reads which
 * Telegram file, until when, sealed with an HMAC so that whoever holds a link
 * can read that file and no other. The key lives only in the supervisor's
 * memory: links are made when a task is dispatched and read by this
 * supervisor's own workers moments later, so they need not outlive it (a
 * task taken over elsewhere is dispatched again, with a new link). Pure.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { TelegramFileRef } from '../src/forwarding/message/neutral-message.ts';
import { FileLinkExpiredError, FileLinkInvalidError } from '../src/errors/registry.ts';

/** What a link lets its holder read. */
export interface FileLinkClaim {
  /** The source account that reads the file. */
  accountId: string;
  /** The chat the file was seen in (marked id). */
  chatId: string;
  ref: TelegramFileRef;
  /** Bytes Telegram announced; the relay reads until it has them or the file ends. */
  sizeBytes: number;
  /** ms since epoch after which the link is refused. */
  expiresAt: number;
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(body).digest();
}

/** The token for `claim` (URL-safe). */
export function signFileLink(key: Buffer, claim: FileLinkClaim): string {
  const body = Buffer.from(JSON.stringify(claim)).toString('base64url');
  return `${body}.${mac(key, body).toString('base64url')}`;
}

function isClaim(v: unknown): v is FileLinkClaim {
  const c = v as Partial<FileLinkClaim> | null;
  return typeof c === 'object' && c !== null && typeof c.accountId === 'string' && typeof c.chatId === 'string'
    && typeof c.sizeBytes === 'number' && typeof c.expiresAt === 'number'
    && typeof c.ref === 'object' && c.ref !== null && typeof c.ref.id === 'string' && typeof c.ref.fileReference === 'string';
}

/** The claim `token` carries; FileLinkInvalidError when it was not sealed with `key`, FileLinkExpiredError once past its time. */
export function openFileLink(key: Buffer, token: string, now: number): FileLinkClaim {
  const [body, seal, extra] = token.split('.');
  if (body === undefined || seal === undefined || extra !== undefined) throw new FileLinkInvalidError({});
  const expected = mac(key, body);
  const given = Buffer.from(seal, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new FileLinkInvalidError({});
  let claim: unknown;
  try {
    claim = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new FileLinkInvalidError({});
  }
  if (!isClaim(claim)) throw new FileLinkInvalidError({});
  if (now > claim.expiresAt) throw new FileLinkExpiredError({});
  return claim;
}
