/**
 * How fast a Telegram account sends, before Telegram says otherwise: the
 * limits Telegram documents (core.telegram.org/bots/faq: about one message
 * a second in a chat, 20 a minute in a group, 30 a second overall), each
 * with a margin. Our clock and Telegram's differ by the time a request
 * travels, and that time varies: two sends we space exactly at the limit can
 * arrive closer than it. So the pacer runs at 90% of each rate and keeps
 * back part of each burst, which covers a spread of a second per chat and
 * of about 150 ms per account. Checked once, up front.
 */
import { checkOptionsObject, failOption } from '../../../src/options/option-checks.ts';
import type { PaceLimit, PacingOptions } from '../../../src/runtime-contracts/platform-options.ts';

export type ResolvedPacing = Required<PacingOptions>;

export const DEFAULT_PACING: ResolvedPacing = {
  chat: { burst: 2, perSecond: 0.9 },
  group: { burst: 18, perSecond: 0.3 },
  account: { burst: 25, perSecond: 27 },
  recoveryMs: 600_000,
};

function checkLimit(name: string, value: unknown, fallback: PaceLimit): PaceLimit {
  if (value === undefined) return fallback;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) failOption(name, 'must be an object with burst and perSecond');
  const { burst, perSecond } = value as Record<string, unknown>;
  if (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1) failOption(`${name}.burst`, 'must be a positive integer');
  if (typeof perSecond !== 'number' || !Number.isFinite(perSecond) || perSecond <= 0) failOption(`${name}.perSecond`, 'must be a finite number greater than 0');
  return { burst, perSecond };
}

/** Checks pacing options found at `options.<under>` and fills in the defaults; throws `InvalidOptionError` naming the first bad one. */
export function resolvePacing(value: unknown, under = 'pacing'): ResolvedPacing {
  if (value === undefined) return DEFAULT_PACING;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) failOption(under, 'must be an object');
  const o = checkOptionsObject(value);
  const recoveryMs = o.recoveryMs ?? DEFAULT_PACING.recoveryMs;
  if (typeof recoveryMs !== 'number' || !Number.isInteger(recoveryMs) || recoveryMs < 1) failOption(`${under}.recoveryMs`, 'must be a whole number of ms, 1 or more');
  return {
    chat: checkLimit(`${under}.chat`, o.chat, DEFAULT_PACING.chat),
    group: checkLimit(`${under}.group`, o.group, DEFAULT_PACING.group),
    account: checkLimit(`${under}.account`, o.account, DEFAULT_PACING.account),
    recoveryMs,
  };
}
