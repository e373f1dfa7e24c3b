/**
 * What the Discord clients of one thread share: where Discord is, the
 * watchdog and upload settings, and the invalid-request window. Discord
 * counts invalid requests per IP, so the window is never kept per bot: with
 * the thread's Redis it is the host's, shared by every thread and worker
 * process of the host (host-invalid-requests.ts); without, the thread's.
 */
import { checkOptionsObject, checkPositive, checkPositiveInteger, failOption } from '../../../src/options/option-checks.ts';
import { IDENTIFY_WINDOW_MS, IdentifyPacer } from './identify-pacer.ts';
import type { Redis } from 'ioredis';
import { HostInvalidRequests } from './host-invalid-requests.ts';
import { InvalidRequestWindow } from './invalid-request-window.ts';

/** Discord's REST base, as discord.js `rest.api` expects it (it appends `/v10/...`). */
export const DISCORD_API_URL = 'https://discord.com/api';

export interface DiscordRuntimeOptions {
  /** REST base URL (the gateway URL comes from `GET /gateway/bot` under it). Default `https://discord.com/api`. */
  apiUrl?: string;
  /**
   * A connection with no gateway traffic (dispatch or heartbeat ACK) for
   * this long is taken for a zombie: the client is destroyed and connects
   * again, catching up from its cursor. discord.js itself resumes after one
   * missed ACK; this catches what it cannot, such as a resume that never
   * completes. Must exceed twice Discord's heartbeat interval (41 250 ms).
   * Default 120 000.
   */
  zombieTimeoutMs?: number;
  /** How long `connect` waits for READY and the guilds, ms. Default 30 000. */
  readyTimeoutMs?: number;
  /** Largest file uploaded, bytes; larger ones go out as a link line with name and size. Default 10 MiB (Discord's limit for bots). */
  uploadLimitBytes?: number;
  /**
   * Invalid requests (401, 403, 429) the host (every thread and worker that
   * shares `host`; without it, this thread) may make within 10 minutes before
   * its clients refuse to send (`flood_wait` until the window slides).
   * Discord bans the IP at 10 000. Default 2 500.
   */
  invalidRequestLimit?: number;
  /** Name of the channel webhook copy mode posts through (found or created once per channel). Default `Switchboard`. */
  webhookName?: string;
  /** Timeout of one REST request, and of downloading one attachment, ms. Default 15 000. */
  requestTimeoutMs?: number;
  /**
   * The window in which a bot may IDENTIFY `max_concurrency` sessions, ms.
   * Default 5 000, Discord's; only a gateway with another window (the fake,
   * in tests that are not about it) needs another.
   */
  identifyWindowMs?: number;
}

/** How invalid requests are counted: the host's (Redis) or the thread's window. */
export interface InvalidRequestCount {
  readonly limit: number;
  record(now?: number): void;
  blockedForMs(now?: number): number;
}

/** Where the host's count is kept: the thread's Redis and the host's name (its egress IP, as Discord counts). */
export interface SharedHost {
  redis: Redis;
  hostId: string;
}

export interface DiscordRuntime {
  apiUrl: string;
  zombieTimeoutMs: number;
  readyTimeoutMs: number;
  uploadLimitBytes: number;
  webhookName: string;
  requestTimeoutMs: number;
  invalidRequests: InvalidRequestCount;
  /** Paces each bot's IDENTIFYs across the clients of the thread. */
  identifyPacer: IdentifyPacer;
}

function checkUrl(name: string, value: unknown): string {
  if (typeof value !== 'string') failOption(name, 'must be an http(s) URL');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    failOption(name, 'must be an http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') failOption(name, 'must be an http(s) URL');
  return value.replace(/\/+$/, '');
}

function invalidRequestCount(limit: number, host: SharedHost | null): InvalidRequestCount {
  return host === null ? new InvalidRequestWindow({ limit }) : new HostInvalidRequests({ redis: host.redis, hostId: host.hostId, limit });
}

/** Checks `options` and builds the runtime; throws `InvalidOptionError` naming the first bad option. */
export function createDiscordRuntime(options: DiscordRuntimeOptions = {}, host: SharedHost | null = null): DiscordRuntime {
  const o = checkOptionsObject(options);
  const webhookName = o.webhookName ?? 'Switchboard';
  if (typeof webhookName !== 'string' || webhookName.length < 1 || webhookName.length > 80 || /discord|clyde/i.test(webhookName)) {
    failOption('webhookName', 'must be 1 to 80 characters without "discord" or "clyde"');
  }
  return {
    apiUrl: checkUrl('apiUrl', o.apiUrl ?? DISCORD_API_URL),
    zombieTimeoutMs: checkPositive('zombieTimeoutMs', o.zombieTimeoutMs ?? 120_000),
    readyTimeoutMs: checkPositive('readyTimeoutMs', o.readyTimeoutMs ?? 30_000),
    uploadLimitBytes: checkPositiveInteger('uploadLimitBytes', o.uploadLimitBytes ?? 10 * 1024 * 1024),
    webhookName,
    requestTimeoutMs: checkPositive('requestTimeoutMs', o.requestTimeoutMs ?? 15_000),
    invalidRequests: invalidRequestCount(checkPositiveInteger('invalidRequestLimit', o.invalidRequestLimit ?? 2_500), host),
    identifyPacer: new IdentifyPacer(checkPositive('identifyWindowMs', o.identifyWindowMs ?? IDENTIFY_WINDOW_MS)),
  };
}
