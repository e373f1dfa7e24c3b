/**
 * What the Telegram clients of one thread share: where Telegram is and as
 * which application (the endpoint), and the timings of their connections.
 * Checked once, up front; building it loads no gramjs, so a thread that
 * never runs a Telegram session never pays for it.
 */
import { createTelegramEndpoint } from '../../../src/telegram/telegram-endpoint.ts';
import type { TelegramEndpoint, TelegramEndpointOptions } from '../../../src/telegram/telegram-endpoint.ts';
import { InvalidOptionError } from '../../../src/errors/registry.ts';
import { checkOptionsObject, checkPositiveInteger, failOption } from '../../../src/options/option-checks.ts';
import { resolvePacing } from './pacing-options.ts';
import type { ResolvedPacing } from './pacing-options.ts';
import type { TelegramRuntimeOptions } from '../../../src/runtime-contracts/platform-options.ts';

/** Telegram's largest file for an account without Premium: 4 000 parts of 512 KB. */
export const TELEGRAM_UPLOAD_MAX_BYTES = 4_000 * 512 * 1024;

export interface TelegramRuntime {
  endpoint: TelegramEndpoint;
  silenceMs: number;
  probeTimeoutMs: number;
  keepAliveMs: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  connectionRetries: number;
  peerCacheSize: number;
  dialogPages: number;
  pacing: ResolvedPacing;
  uploadLimitBytes: number;
  downloadTimeoutMs: number;
}

/** `error` (an InvalidOptionError about `options...`) about `options.<under>...` instead; other errors as they are. */
function nested(error: unknown, under: string): unknown {
  if (!(error instanceof InvalidOptionError)) return error;
  const rename = (s: string): string => s.replace(/^options(?=[. ])/, `options.${under}`);
  return new InvalidOptionError({ option: rename(error.details.option), message: rename(error.details.message) });
}

/**
 * Checks Telegram runtime options found at `options.<under>` of a larger
 * options object (worker and supervisor options), naming them so; returns
 * them as given (the thread builds the runtime itself).
 */
export function checkTelegramRuntimeOptions(under: string, value: unknown): TelegramRuntimeOptions {
  try {
    createTelegramRuntime(value as TelegramRuntimeOptions);
  } catch (error) {
    throw nested(error, under);
  }
  return value as TelegramRuntimeOptions;
}

/** A timer's wait: whole ms, at least 1 (`Infinity` is refused: Node would fire it at once). */
function checkDuration(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) failOption(name, 'must be a whole number of ms, 1 or more');
  return value;
}

/** Checks `options` and builds the runtime; throws `InvalidOptionError` naming the first bad option. */
export function createTelegramRuntime(options: TelegramRuntimeOptions = {}): TelegramRuntime {
  const o = checkOptionsObject(options);
  if (o.endpoint === undefined) failOption('endpoint', 'is required: the api id and hash from my.telegram.org');
  let endpoint: TelegramEndpoint;
  try {
    endpoint = createTelegramEndpoint(o.endpoint as TelegramEndpointOptions);
  } catch (error) {
    // Named as options of this runtime: `options.endpoint.apiId must be ...`.
    throw nested(error, 'endpoint');
  }
  const silenceMs = checkDuration('silenceMs', o.silenceMs ?? 60_000);
  const probeTimeoutMs = checkDuration('probeTimeoutMs', o.probeTimeoutMs ?? 10_000);
  return {
    endpoint,
    silenceMs,
    probeTimeoutMs,
    keepAliveMs: checkDuration('keepAliveMs', o.keepAliveMs ?? 1_800_000),
    connectTimeoutMs: checkDuration('connectTimeoutMs', o.connectTimeoutMs ?? 20_000),
    requestTimeoutMs: checkDuration('requestTimeoutMs', o.requestTimeoutMs ?? 20_000),
    connectionRetries: checkPositiveInteger('connectionRetries', o.connectionRetries ?? 3),
    peerCacheSize: checkPositiveInteger('peerCacheSize', o.peerCacheSize ?? 64),
    dialogPages: checkPositiveInteger('dialogPages', o.dialogPages ?? 10),
    pacing: resolvePacing(o.pacing),
    uploadLimitBytes: checkPositiveInteger('uploadLimitBytes', o.uploadLimitBytes ?? TELEGRAM_UPLOAD_MAX_BYTES),
    downloadTimeoutMs: checkDuration('downloadTimeoutMs', o.downloadTimeoutMs ?? 300_000),
  };
}
