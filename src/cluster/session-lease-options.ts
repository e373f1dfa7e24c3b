/**
 * Options of {@link SessionLeases}, their defaults and the up-front check that
 * turns a bad one into an `InvalidOptionError` with an exact message.
 */
import { InvalidOptionError } from '../errors/registry.ts';

export interface SessionLeaseOptions {
  /** Lifetime of a lease from each acquire or renew, ms (Redis server time). Default 10 000. */
  ttlMs?: number;
  /**
   * How early, before the lease would expire, a holder that failed to renew
   * stops itself, ms; see `localStopDeadline`. It must cover closing the
   * connection and the delay of a request in flight. Must be less than
   * `ttlMs`. Default 2 000.
   */
  stopMarginMs?: number;
  /**
   * Recommended interval between renewals, ms; holders read it from
   * `SessionLeases.renewIntervalMs`. A third of the TTL leaves two more tries
   * before the stop deadline. Must be less than `ttlMs - stopMarginMs`.
   * Default `Math.floor(ttlMs / 3)`.
   */
  renewIntervalMs?: number;
}

export interface ResolvedSessionLeaseOptions {
  ttlMs: number;
  stopMarginMs: number;
  renewIntervalMs: number;
}

function fail(name: string, rule: string): never {
  const option = name === 'options' ? name : `options.${name}`;
  throw new InvalidOptionError({ option, message: `${option} ${rule}` });
}

const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Checks `options` and fills in defaults; throws `InvalidOptionError` on the first bad option. */
export function resolveSessionLeaseOptions(options: unknown = {}): ResolvedSessionLeaseOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) fail('options', 'must be an object');
  const o = options as Record<string, unknown>;
  const ttlMs = o.ttlMs ?? 10_000;
  if (!isInteger(ttlMs) || ttlMs < 1) fail('ttlMs', 'must be a positive integer');
  const stopMarginMs = o.stopMarginMs ?? 2_000;
  if (!isInteger(stopMarginMs) || stopMarginMs < 0 || stopMarginMs >= ttlMs) {
    fail('stopMarginMs', 'must be a non-negative integer less than options.ttlMs');
  }
  const renewIntervalMs = o.renewIntervalMs ?? Math.floor(ttlMs / 3);
  if (!isInteger(renewIntervalMs) || renewIntervalMs < 1 || renewIntervalMs >= ttlMs - stopMarginMs) {
    fail('renewIntervalMs', 'must be a positive integer less than options.ttlMs - options.stopMarginMs');
  }
  return { ttlMs, stopMarginMs, renewIntervalMs };
}
